/// An activation a kernel applies to its result in the same pass (a oneDNN post-op, say): the
/// ones whose derivative follows from the output alone, so the backward pass needs nothing
/// else. Raw values are the `activation` attribute's values in records and the plugin ABI.
public enum FusedActivation: Int, Sendable, CaseIterable, CustomStringConvertible {
  /// `y = z`.
  case linear = 0
  /// `y = max(z, 0)` (NaN stays NaN).
  case relu = 1
  /// `y = 1 / (1 + exp(-z))`.
  case sigmoid = 2
  /// `y = tanh(z)`.
  case tanh = 3

  /// The Keras name (`"relu"`).
  public var description: String {
    switch self {
    case .linear: "linear"
    case .relu: "relu"
    case .sigmoid: "sigmoid"
    case .tanh: "tanh"
    }
  }
}

extension FusedActivation {
  /// The activation that `attributes`' `activation` attribute names, or an error naming `op`
  /// when it is missing or names none.
  public init(_ attributes: OpAttributes, of op: OpCode) throws {
    let code = try attributes.int(.activation, of: op)
    guard let activation = FusedActivation(rawValue: code) else {
      throw PlexusError.invalidArgument(
        context: "\(op)", message: "unknown fused activation \(code)")
    }
    self = activation
  }
}
