/// A named weight initializer, resolved by name so that it saves and loads without code.
///
/// ```swift
/// Dense(64, kernelInitializer: .heNormal, biasInitializer: .constant(0.1))
/// ```
/// Names and defaults follow `keras.initializers`.
public struct Initializer: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The Keras class name (`"GlorotUniform"`).
  public let name: String
  /// Its numeric settings (`"value"`, `"mean"`, `"stddev"`, `"minval"`, `"maxval"`).
  public let parameters: [String: Double]
  /// When set, every call draws from a private stream seeded by it, so one seeded initializer
  /// gives the same values on every call (Keras's `seed`).
  public var seed: Int?

  /// An initializer by Keras class name or snake-case alias, with its settings.
  public init(name: String, parameters: [String: Double] = [:]) throws {
    guard let canonical = Self.canonicalName(name) else {
      throw PlexusError.invalidArgument(
        context: "Initializer",
        message: "unknown initializer '\(name)'; known: "
          + Self.known.joined(separator: ", ")
          + ". Register a custom one with Initializer.register(\"\(name)\") { shape, dtype, "
          + "parameters in ... }")
    }
    self.name = canonical
    self.parameters = parameters
  }

  private init(_ name: String, _ parameters: [String: Double] = [:]) {
    self.name = name
    self.parameters = parameters
  }

  /// Uniform in ±sqrt(6 / (fanIn + fanOut)).
  public static let glorotUniform = Initializer("GlorotUniform")
  /// Truncated normal with stddev sqrt(2 / (fanIn + fanOut)).
  public static let glorotNormal = Initializer("GlorotNormal")
  /// Uniform in ±sqrt(6 / fanIn).
  public static let heUniform = Initializer("HeUniform")
  /// Truncated normal with stddev sqrt(2 / fanIn).
  public static let heNormal = Initializer("HeNormal")
  /// Uniform in ±sqrt(3 / fanIn).
  public static let lecunUniform = Initializer("LecunUniform")
  /// Truncated normal with stddev sqrt(1 / fanIn).
  public static let lecunNormal = Initializer("LecunNormal")
  /// All zeros.
  public static let zeros = Initializer("Zeros")
  /// All ones.
  public static let ones = Initializer("Ones")
  /// Every element `value`.
  public static func constant(_ value: Double) -> Initializer {
    Initializer("Constant", ["value": value])
  }
  /// Normal values.
  public static func randomNormal(mean: Double = 0, stddev: Double = 0.05) -> Initializer {
    Initializer("RandomNormal", ["mean": mean, "stddev": stddev])
  }
  /// Uniform values.
  public static func randomUniform(minval: Double = -0.05, maxval: Double = 0.05) -> Initializer {
    Initializer("RandomUniform", ["minval": minval, "maxval": maxval])
  }
  /// Normal values redrawn beyond two standard deviations.
  public static func truncatedNormal(mean: Double = 0, stddev: Double = 0.05) -> Initializer {
    Initializer("TruncatedNormal", ["mean": mean, "stddev": stddev])
  }

  /// A random orthogonal matrix (of the last axis against the others), scaled by `gain`; the
  /// default of recurrent kernels.
  public static func orthogonal(gain: Double = 1) -> Initializer {
    Initializer("Orthogonal", ["gain": gain])
  }

  /// This initializer with `seed` set.
  public func seeded(_ seed: Int?) -> Initializer {
    var copy = self
    copy.seed = seed
    return copy
  }

  /// Draws a tensor of `shape` from the seeded stream (from a private one when ``seed`` is
  /// set).
  public func callAsFunction(_ shape: Shape, dtype: DType = .float32) throws -> Tensor {
    guard let seed else { return try draw(shape, dtype: dtype) }
    return try withRandomSeed(UInt64(bitPattern: Int64(seed))) { try draw(shape, dtype: dtype) }
  }

  private func draw(_ shape: Shape, dtype: DType) throws -> Tensor {
    let (fanIn, fanOut) = Self.fans(try shape.validated(context: "Initializer \(name)"))
    // Keras divides by this so the truncated normal keeps the intended variance.
    let truncationScale = 0.879_625_661_034_239_78
    let parameter = { (key: String, fallback: Double) in parameters[key] ?? fallback }
    switch name {
    case "GlorotUniform":
      let limit = (6 / Double(fanIn + fanOut)).squareRoot()
      return try Ops.randomUniform(shape, minval: -limit, maxval: limit, dtype: dtype)
    case "GlorotNormal":
      let stddev = (2 / Double(fanIn + fanOut)).squareRoot() / truncationScale
      return try Ops.truncatedNormal(shape, stddev: stddev, dtype: dtype)
    case "HeUniform":
      let limit = (6 / Double(fanIn)).squareRoot()
      return try Ops.randomUniform(shape, minval: -limit, maxval: limit, dtype: dtype)
    case "HeNormal":
      let stddev = (2 / Double(fanIn)).squareRoot() / truncationScale
      return try Ops.truncatedNormal(shape, stddev: stddev, dtype: dtype)
    case "LecunUniform":
      let limit = (3 / Double(fanIn)).squareRoot()
      return try Ops.randomUniform(shape, minval: -limit, maxval: limit, dtype: dtype)
    case "LecunNormal":
      let stddev = (1 / Double(fanIn)).squareRoot() / truncationScale
      return try Ops.truncatedNormal(shape, stddev: stddev, dtype: dtype)
    case "Zeros": return try Tensor.zeros(shape, dtype: dtype)
    case "Ones": return try Tensor.ones(shape, dtype: dtype)
    case "Constant": return try Tensor.full(shape, value: parameter("value", 0), dtype: dtype)
    case "RandomNormal":
      return try Ops.randomNormal(
        shape, mean: parameter("mean", 0), stddev: parameter("stddev", 0.05), dtype: dtype)
    case "RandomUniform":
      return try Ops.randomUniform(
        shape, minval: parameter("minval", -0.05), maxval: parameter("maxval", 0.05), dtype: dtype)
    case "TruncatedNormal":
      return try Ops.truncatedNormal(
        shape, mean: parameter("mean", 0), stddev: parameter("stddev", 0.05), dtype: dtype)
    case "Orthogonal": return try Self.orthogonal(shape, gain: parameter("gain", 1), dtype: dtype)
    default:
      guard let draw = Self.customDraw(name) else {
        throw PlexusError.invalidArgument(context: "Initializer", message: "unknown '\(name)'")
      }
      return try draw(shape, dtype, parameters)
    }
  }

  /// Keras's fan computation: the last axis is fan-out, the one before fan-in, and any
  /// leading axes form the receptive field.
  static func fans(_ shape: Shape) -> (Int, Int) {
    switch shape.rank {
    case 0: return (1, 1)
    case 1: return (shape[0], shape[0])
    case 2: return (shape[0], shape[1])
    default:
      let receptive = shape.dims.dropLast(2).reduce(1, *)
      return (shape[shape.rank - 2] * receptive, shape[shape.rank - 1] * receptive)
    }
  }

  static let known = [
    "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal",
    "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
    "Orthogonal",
  ]

  /// Accepts `"GlorotUniform"` and `"glorot_uniform"` alike.
  static func canonicalName(_ name: String) -> String? {
    let squashed = name.filter { $0 != "_" }.lowercased()
    return known.first { $0.lowercased() == squashed } ?? (customDraw(name) != nil ? name : nil)
  }

  public var description: String { name }
}
