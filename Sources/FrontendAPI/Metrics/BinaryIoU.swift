/// ``IoU`` of binary predictions: a prediction of at least `threshold` (compared in float32,
/// as Keras compares) is class 1, else class 0; labels are 0 or 1.
///
/// ```swift
/// let iou = try BinaryIoU(targetClassIds: [1], threshold: 0.5)
/// try iou.update(masks, probabilities)
/// print(iou.result())
/// ```
///
/// Equivalent to `keras.metrics.BinaryIoU`.
public final class BinaryIoU: IoU {
  /// The prediction at or above which an entry is class 1.
  public let threshold: Double

  /// Creates the metric; target classes other than 0 and 1, or a NaN threshold, throw.
  public init(
    targetClassIds: [Int] = [0, 1], threshold: Double = 0.5, name: String = "binary_io_u",
    dtype: DType = .int32
  ) throws {
    guard !threshold.isNaN else {
      throw PlexusError.invalidArgument(
        context: "BinaryIoU", message: "threshold must be a number, received nan")
    }
    self.threshold = threshold
    try super.init(numClasses: 2, targetClassIds: targetClassIds, name: name, dtype: dtype)
  }

  /// 1 where the prediction reaches the threshold, else 0.
  override func predictedClasses(_ yPred: Tensor) throws -> [Double] {
    let bound = Float(threshold)
    return try Self.hostValues(yPred).map { Float($0) >= bound ? 1 : 0 }
  }

  /// Keras's keys: `target_class_ids`, `threshold`, `name` and `dtype`.
  public override var config: [String: ConfigValue] {
    iouConfig.filter { ["target_class_ids", "name", "dtype"].contains($0.key) }
      .merging(["threshold": .double(threshold)]) { $1 }
  }
}
