/// What a ``GradientTape`` can differentiate with respect to: a watched ``Tensor`` or a
/// ``Variable``. Lets one `gradient` call mix both, as `tape.gradient(loss, [x, w])` does in
/// TensorFlow.
public protocol GradientSource {}

extension Tensor: GradientSource {}
extension Variable: GradientSource {}
