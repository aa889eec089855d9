/// Reshapes every sample to `targetShape` (batch axis kept; one entry may be -1).
///
/// ```swift
/// Reshape([28, 28, 1])   // (batch, 784) → (batch, 28, 28, 1)
/// ```
/// Equivalent to `keras.layers.Reshape`.
public final class Reshape: Layer {
  /// The per-sample shape.
  public let targetShape: Shape

  /// Creates the layer.
  public init(_ targetShape: Shape, name: String? = nil) {
    self.targetShape = targetShape
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    let known = Shape(targetShape.dims.filter { $0 != -1 }).elementCount
    let samples = Shape(Array(inputShape.dims.dropFirst())).elementCount
    let inferred = targetShape.dims.filter { $0 == -1 }.count
    let fits = inferred == 0 ? known == samples : (known > 0 && samples % known == 0)
    guard inferred <= 1, fits || inputShape.dims.dropFirst().contains(where: { $0 < 0 }) else {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)",
        expected: "samples of \(known) elements to fill target \(targetShape)",
        received: "\(inputShape)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    do {
      return try Ops.reshape(x, Shape([x.shape.dims.first ?? 1] + targetShape.dims))
    } catch {
      throw PlexusError.shapeMismatch(
        context: "Layer \(identity)", expected: "samples that fill \(targetShape)",
        received: "\(x.shape)")
    }
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    let input = inputShapes.first ?? [-1]
    var dims = targetShape.dims
    if let missing = dims.firstIndex(of: -1) {
      let samples = Shape(Array(input.dims.dropFirst())).elementCount
      let known = Shape(dims.filter { $0 != -1 }).elementCount
      dims[missing] = known > 0 && samples > 0 ? samples / known : -1
    }
    return Shape([input.dims.first ?? -1] + dims)
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["target_shape": .array(targetShape.dims.map(ConfigValue.int))]) { $1 }
  }
}
