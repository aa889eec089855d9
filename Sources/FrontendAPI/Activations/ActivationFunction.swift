/// A named activation function, resolved by name so that models save and load without code.
///
/// ```swift
/// Dense(128, activation: .relu)
/// ```
/// Names and formulas follow `keras.activations`.
public struct ActivationFunction: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The Keras name (`"relu"`, `"gelu"`).
  public let name: String

  /// An activation by its Keras name.
  public init(name: String) throws {
    guard Self.known.contains(name) || Self.customBody(name) != nil else {
      throw PlexusError.invalidArgument(
        context: "activation",
        message: "unknown activation '\(name)'; known: \(Self.known.joined(separator: ", ")). "
          + "Register a custom one with ActivationFunction.register(\"\(name)\") { x in ... }")
    }
    self.name = name
  }

  private init(_ name: String) { self.name = name }

  /// `x`.
  public static let linear = ActivationFunction("linear")
  /// `max(x, 0)`.
  public static let relu = ActivationFunction("relu")
  /// `min(max(x, 0), 6)`.
  public static let relu6 = ActivationFunction("relu6")
  /// `x` for `x > 0`, else `0.2 x`.
  public static let leakyRelu = ActivationFunction("leaky_relu")
  /// `1 / (1 + e^-x)`.
  public static let sigmoid = ActivationFunction("sigmoid")
  /// `relu6(x + 3) / 6`.
  public static let hardSigmoid = ActivationFunction("hard_sigmoid")
  /// Hyperbolic tangent.
  public static let tanh = ActivationFunction("tanh")
  /// Softmax over the last axis.
  public static let softmax = ActivationFunction("softmax")
  /// Log-softmax over the last axis.
  public static let logSoftmax = ActivationFunction("log_softmax")
  /// `x Φ(x)` with the exact normal CDF (`approximate=False`, Keras's default).
  public static let gelu = ActivationFunction("gelu")
  /// `x σ(x)` (swish).
  public static let silu = ActivationFunction("silu")
  /// `x` for `x > 0`, else `e^x - 1`.
  public static let elu = ActivationFunction("elu")
  /// Scaled ELU.
  public static let selu = ActivationFunction("selu")
  /// `log(1 + e^x)`.
  public static let softplus = ActivationFunction("softplus")
  /// `x / (1 + |x|)`.
  public static let softsign = ActivationFunction("softsign")
  /// `e^x`.
  public static let exponential = ActivationFunction("exponential")
  /// `x tanh(softplus(x))`.
  public static let mish = ActivationFunction("mish")

  static let known = [
    "linear", "relu", "relu6", "leaky_relu", "sigmoid", "hard_sigmoid", "tanh", "softmax",
    "log_softmax", "gelu", "silu", "swish", "elu", "selu", "softplus", "softsign", "exponential",
    "mish",
  ]

  /// Applies the activation.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    switch name {
    case "linear": return x
    case "relu": return try Ops.relu(x)
    case "relu6": return try Ops.clip(x, min: 0, max: 6)
    case "leaky_relu": return try Ops.maximum(x, x * 0.2)
    case "sigmoid": return try Ops.sigmoid(x)
    case "hard_sigmoid": return try Ops.clip(x + 3, min: 0, max: 6) / 6
    case "tanh": return try Ops.tanh(x)
    case "softmax": return try Ops.softmax(x)
    case "log_softmax": return try Ops.logSoftmax(x)
    case "gelu": return try x * 0.5 * (Ops.erf(x * (1 / 2.0.squareRoot())) + 1)
    case "silu", "swish": return try x * Ops.sigmoid(x)
    case "elu": return try elu(x, alpha: 1)
    case "selu":
      return try elu(x, alpha: 1.673_263_242_354_377_284_817_042_991_671_7)
        * 1.050_700_987_355_480_493_419_334_985_294_6
    case "softplus": return try softplus(x)
    case "softsign": return try x / (Ops.abs(x) + 1)
    case "exponential": return try Ops.exp(x)
    case "mish": return try x * Ops.tanh(softplus(x))
    default:
      guard let body = Self.customBody(name) else {
        throw PlexusError.invalidArgument(context: "activation", message: "unknown '\(name)'")
      }
      return try body(x)
    }
  }

  private func elu(_ x: Tensor, alpha: Double) throws -> Tensor {
    let positive = try Ops.greater(x, Tensor.scalar(0, dtype: x.dtype))
    let negativePart = try Ops.expm1(Ops.minimum(x, Tensor.scalar(0, dtype: x.dtype))) * alpha
    return try Ops.where(positive, x, negativePart)
  }

  private func softplus(_ x: Tensor) throws -> Tensor {
    // log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
    try Ops.relu(x) + Ops.log1p(Ops.exp(Ops.negative(Ops.abs(x))))
  }

  public var description: String { name }
}

extension FusedActivation {
  /// The fused form of `activation`, or nil when a kernel cannot apply it in the same pass.
  init?(_ activation: ActivationFunction) {
    switch activation.name {
    case "linear": self = .linear
    case "relu": self = .relu
    case "sigmoid": self = .sigmoid
    case "tanh": self = .tanh
    default: return nil
    }
  }
}
