/// Enlarges each image by whole factors: `(batch, height, width, channels)` →
/// `(batch, height·size[0], width·size[1], channels)`.
///
/// `.nearest` repeats each cell `size[0]` times down and `size[1]` times across. `.bilinear`
/// interpolates between cell centres (half-pixel centres, edges clamped), as
/// `jax.image.resize` does for Keras:
///
///     y[i] = Σ_j w(i, j)·x[j],  w(i, j) ∝ max(0, 1 - |(i + ½)/size - ½ - j|)
///
/// ```swift
/// let y = try UpSampling2D(size: 2)(x)   // (batch, 7, 7, 16) → (batch, 14, 14, 16)
/// ```
/// Channels-last only. Equivalent to `keras.layers.UpSampling2D`.
public final class UpSampling2D: Layer {
  /// How new cells are filled.
  public enum Interpolation: String, Sendable, CaseIterable {
    /// Each cell repeated.
    case nearest
    /// Linear interpolation along each axis.
    case bilinear
  }

  /// The factor along the height and along the width.
  public let size: [Int]
  /// How new cells are filled.
  public let interpolation: Interpolation

  /// Creates the layer: one factor for both axes, or `[height, width]`.
  public init(size: SpatialSize = 2, interpolation: Interpolation = .nearest, name: String? = nil) {
    self.size = size.perAxis(2)
    self.interpolation = interpolation
    super.init(name: name)
  }

  public override var inputSpec: InputSpec? { InputSpec(rank: 4) }

  /// Checks the settings; errors name the layer.
  func validate() throws {
    guard size.count == 2, size.allSatisfy({ $0 > 0 }) else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "size must be one or two positive integers, received \(size)")
    }
  }

  public override func build(inputShape: Shape) throws {
    try inputSpec?.check(inputShape, layer: "Input 0 of layer \(identity)")
    _ = try computeOutputShape([inputShape])
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    let out = try computeOutputShape([x.shape])
    return try namingErrors {
      switch interpolation {
      case .nearest:
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cells = try Ops.reshape(x, [n, h, 1, w, 1, c])
        let repeated = try Ops.broadcastTo(cells, [n, h, size[0], w, size[1], c])
        return try Ops.reshape(repeated, out)
      case .bilinear:
        return try bilinear(x, out)
      }
    }
  }

  /// Interpolates along the height, then along the width, each as one matrix product.
  private func bilinear(_ x: Tensor, _ out: Shape) throws -> Tensor {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (outH, outW) = (out[1], out[2])
    let rows = try Ops.reshape(Ops.transpose(x, permutation: [1, 0, 2, 3]), [h, n * w * c])
    let tall = try Ops.matmul(Self.weights(from: h, to: outH, dtype: x.dtype), rows)
    let columns = try Ops.reshape(
      Ops.transpose(Ops.reshape(tall, [outH, n, w, c]), permutation: [2, 1, 0, 3]),
      [w, n * outH * c])
    let wide = try Ops.matmul(Self.weights(from: w, to: outW, dtype: x.dtype), columns)
    return try Ops.transpose(Ops.reshape(wide, [outW, n, outH, c]), permutation: [1, 2, 0, 3])
  }

  /// The `[output, input]` matrix of linear interpolation weights along one axis, each row
  /// normalized to sum to one (which clamps the edges).
  private static func weights(from input: Int, to output: Int, dtype: DType) throws -> Tensor {
    let (count, overflow) = output.multipliedReportingOverflow(by: input)
    guard !overflow, count <= Shape.maximumElementCount else {
      throw PlexusError.invalidArgument(
        context: "UpSampling2D", message: "\(input) → \(output) cells is too large to interpolate")
    }
    let scale = Double(output) / Double(input)
    var values = [Double](repeating: 0, count: count)
    for row in 0..<output {
      let sample = (Double(row) + 0.5) / scale - 0.5
      var total = 0.0
      for column in 0..<input {
        let weight = Swift.max(0, 1 - Swift.abs(sample - Double(column)))
        values[row * input + column] = weight
        total += weight
      }
      for column in 0..<input where total > 0 { values[row * input + column] /= total }
    }
    return try Tensor(values, shape: [output, input]).cast(to: dtype)
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    try validate()
    guard let shape = inputShapes.first, shape.rank == 4 else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "one input of rank 4",
        received: "\(inputShapes)")
    }
    var dims = shape.dims
    for axis in 1...2 where dims[axis] >= 0 {
      let (scaled, overflow) = dims[axis].multipliedReportingOverflow(by: size[axis - 1])
      guard !overflow else {
        throw PlexusError.invalidArgument(
          context: "Layer \(identity)", message: "size \(size) is too large for \(shape)")
      }
      dims[axis] = scaled
    }
    _ = try Shape(dims.map { Swift.max($0, 0) }).validated(context: "Layer \(identity)")
    return Shape(dims)
  }

  /// Keras's UpSampling2D config.
  public override var config: [String: ConfigValue] {
    super.config.merging([
      "size": .ints(size), "data_format": "channels_last",
      "interpolation": .string(interpolation.rawValue),
    ]) { $1 }
  }

  /// Builds the layer from Keras's config.
  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let name = try config.string("interpolation", default: "nearest")
    guard let interpolation = Interpolation(rawValue: name.lowercased()) else {
      throw config.mismatch(
        "interpolation", "\"nearest\" or \"bilinear\" (Plexus has no other interpolation)")
    }
    let layer = UpSampling2D(
      size: SpatialSize(try config.spatial("size", rank: 2, default: [2, 2])),
      interpolation: interpolation, name: settings.name)
    try layer.validate()
    return try settings.finish(config, layer)
  }
}
