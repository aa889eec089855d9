/// ``MeanIoU`` of one-hot labels: each label's class is the largest entry along `axis`.
///
/// Equivalent to `keras.metrics.OneHotMeanIoU`.
public final class OneHotMeanIoU: MeanIoU {
  /// Creates the metric; the settings are ``IoU``'s.
  public init(
    numClasses: Int, name: String = "one_hot_mean_io_u", ignoreClass: Int? = nil,
    sparseYPred: Bool = false, axis: Int = -1, dtype: DType = .int32
  ) throws {
    try super.init(
      numClasses: numClasses, name: name, ignoreClass: ignoreClass, sparseYTrue: false,
      sparseYPred: sparseYPred, axis: axis, dtype: dtype)
  }

  /// Keras's keys: `num_classes`, `name`, `dtype`, `ignore_class`, `sparse_y_pred` and `axis`.
  public override var config: [String: ConfigValue] {
    iouConfig.filter { $0.key != "target_class_ids" && $0.key != "sparse_y_true" }
  }
}
