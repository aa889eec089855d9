/// Sets a random fraction `rate` of inputs to 0 while training and scales the rest by
/// `1 / (1 - rate)`; the identity at inference. Any shape in, the same shape out.
///
/// Masks come from the seeded Philox stream, so they are identical on every backend. A
/// `noiseShape` shares one draw along the axes where it is 1 (nil takes the input's size); a
/// `seed` gives the layer a stream of its own, as Keras's `SeedGenerator`.
/// ```swift
/// Dropout(0.2)
/// Dropout(0.5, noiseShape: [nil, 1, nil], seed: 7)  // one draw per sample and feature
/// ```
/// Equivalent to `keras.layers.Dropout`.
public final class Dropout: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The fraction of inputs dropped, in `[0, 1)`.
  public let rate: Double
  /// The shape of the draws (nil: the input's shape; a nil entry: the input's size there).
  public let noiseShape: [Int?]?
  /// The seed of the layer's own stream, if any.
  public var seed: Int? { stream.seed }
  private let stream: SeedStream

  /// Creates the layer.
  public init(_ rate: Double, noiseShape: [Int?]? = nil, seed: Int? = nil, name: String? = nil) {
    self.rate = rate
    self.noiseShape = noiseShape
    self.stream = SeedStream(seed)
    super.init(name: name)
  }

  /// The rates a Dropout takes: 1 would scale the kept inputs by 1 / 0.
  static let validRates = 0.0..<1.0

  public override func build(inputShape: Shape) throws {
    guard Self.validRates.contains(rate) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)", message: "rate must be in [0, 1), received \(rate)")
    }
    _ = try drawShape(for: inputShape)
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    guard training, rate > 0 else { return x }
    return try droppingSlices(
      x, rate: rate, noiseShape: try drawShape(for: x.shape), stream: stream)
  }

  /// The shape drawn for an input of `shape`: the input's own, or `noiseShape` with its nil
  /// entries filled in; each entry of it 1 or the input's size (-1, a size not known yet,
  /// takes any).
  private func drawShape(for shape: Shape) throws -> Shape {
    guard let noiseShape else { return shape }
    let fits =
      noiseShape.count == shape.rank
      && zip(noiseShape, shape.dims).allSatisfy { given, size in
        given.map { $0 == 1 || $0 == size || size < 0 } ?? true
      }
    guard fits else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "noise_shape \(noiseShape.map { $0.map(String.init) ?? "None" }) does not "
          + "fit an input of shape \(shape): it needs one entry per axis, each None, 1 or "
          + "the input's size")
    }
    return Shape(zip(noiseShape, shape.dims).map { given, size in given ?? size })
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    let noise = noiseShape.map { ConfigValue.array($0.map(ConfigValue.optional)) } ?? .null
    return super.config.merging(
      ["rate": .double(rate), "seed": .optional(seed), "noise_shape": noise]
    ) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let rate = try config.double("rate")
    guard validRates.contains(rate) else { throw config.mismatch("rate", "a number in [0, 1)") }
    var noiseShape: [Int?]?
    if let value = config.value("noise_shape"), !value.isNull {
      guard let entries = value.arrayValue,
        entries.allSatisfy({ $0.isNull || ($0.intValue.map { $0 >= 1 } ?? false) })
      else {
        throw config.mismatch("noise_shape", "null or a list of positive sizes and nulls")
      }
      noiseShape = entries.map(\.intValue)
    }
    let seed = try config.optionalInt("seed")
    return try settings.finish(
      config, Dropout(rate, noiseShape: noiseShape, seed: seed, name: settings.name))
  }
}
