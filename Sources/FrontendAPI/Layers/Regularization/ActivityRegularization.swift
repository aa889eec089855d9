/// Returns its input and adds `(l1 · Σ|x| + l2 · Σx²) / batch` of it to the model's losses (an
/// activity regularizer on the layer before).
///
/// ```swift
/// ActivityRegularization(l1: 1e-4)
/// ```
/// Equivalent to `keras.layers.ActivityRegularization`.
public final class ActivityRegularization: Layer {
  /// Passes its input's mask on, as Keras's `supports_masking`.
  public override var supportsMasking: Bool { true }

  /// The L1 factor, finite and ≥ 0.
  public let l1: Double
  /// The L2 factor, finite and ≥ 0.
  public let l2: Double
  private let activityLoss = LossSlot()

  /// Creates the layer.
  public init(l1: Double = 0, l2: Double = 0, name: String? = nil) {
    self.l1 = l1
    self.l2 = l2
    super.init(name: name)
  }

  public override func build(inputShape: Shape) throws {
    guard l1.isFinite, l1 >= 0, l2.isFinite, l2 >= 0 else {
      throw PlexusError.invalidArgument(
        context: "Layer \(identity)",
        message: "l1 and l2 must be finite and ≥ 0, received \(l1) and \(l2)")
    }
  }

  public override func call(_ x: Tensor, training: Bool) throws -> Tensor {
    // Keras's penalty over the batch size (divide_no_nan: an empty batch costs 0).
    let batch = x.rank > 0 ? x.shape[0] : 1
    let penalty = try L1L2(l1: l1, l2: l2)(x)
    activityLoss.store(
      batch == 0
        ? try Tensor.zeros([], dtype: penalty.dtype)
        : try Ops.divide(penalty, Tensor.scalar(Double(batch), dtype: penalty.dtype)))
    return x
  }

  public override func computeOutputShape(_ inputShapes: [Shape]) throws -> Shape {
    inputShapes.first ?? []
  }

  public override var config: [String: ConfigValue] {
    super.config.merging(["l1": .double(l1), "l2": .double(l2)]) { $1 }
  }

  static func make(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let l1 = try config.double("l1", default: 0)
    let l2 = try config.double("l2", default: 0)
    guard l1.isFinite, l1 >= 0 else { throw config.mismatch("l1", "a finite number ≥ 0") }
    guard l2.isFinite, l2 >= 0 else { throw config.mismatch("l2", "a finite number ≥ 0") }
    return try settings.finish(config, ActivityRegularization(l1: l1, l2: l2, name: settings.name))
  }
}

extension ActivityRegularization: RegularizedLayer {
  /// The penalty of the latest call.
  public var regularizationLosses: [Tensor] {
    get throws { activityLoss.load().map { [$0] } ?? [] }
  }
}
