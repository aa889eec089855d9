/// What a ``GradientTape`` can differentiate with respect to: a watched ``Tensor`` or a
/// ``Variable``. Lets one `gradient` call mix both, as `tape.gradient(loss, [x, w])` does in
/// TensorFlow.
public protocol GradientSource {
  /// How the tape finds this source's gradient.
  var gradientKey: GradientKey { get }
}

extension Tensor: GradientSource {
  public var gradientKey: GradientKey { GradientKey(kind: .tensor(tapeID)) }
}

extension Variable: GradientSource {
  public var gradientKey: GradientKey { GradientKey(kind: .variable(ObjectIdentifier(self))) }
}
