/// The mean intersection over union of every class: ``IoU`` with every class a target.
///
/// ```swift
/// let meanIoU = try MeanIoU(numClasses: 21)
/// try meanIoU.update(labelMaps, predictedMaps)
/// print(meanIoU.result())
/// ```
///
/// Equivalent to `keras.metrics.MeanIoU`.
public class MeanIoU: IoU {
  /// Creates the metric; the settings are ``IoU``'s.
  public init(
    numClasses: Int, name: String = "mean_io_u", ignoreClass: Int? = nil,
    sparseYTrue: Bool = true, sparseYPred: Bool = true, axis: Int = -1, dtype: DType = .int32
  ) throws {
    // Every class, once the count is one IoU accepts (IoU refuses the rest by name).
    let classes = (1...IoU.maximumClasses).contains(numClasses) ? Array(0..<numClasses) : [0]
    try super.init(
      numClasses: numClasses, targetClassIds: classes, name: name,
      ignoreClass: ignoreClass, sparseYTrue: sparseYTrue, sparseYPred: sparseYPred, axis: axis,
      dtype: dtype)
  }

  /// Keras's keys: `num_classes`, `name`, `dtype`, `ignore_class`, `sparse_y_true`,
  /// `sparse_y_pred` and `axis`.
  public override var config: [String: ConfigValue] {
    iouConfig.filter { $0.key != "target_class_ids" }
  }
}
