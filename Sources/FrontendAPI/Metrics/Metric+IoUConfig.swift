extension Metric {
  /// ``IoU`` and its subclasses by Keras class name, for ``registry``.
  static let iouClasses: [String: Registry<Metric>.Factory] = [
    "IoU": { config in
      let metric = try IoU(
        numClasses: try config.int("num_classes"),
        targetClassIds: try classIds(config, "target_class_ids"),
        name: try config.string("name", default: "io_u"),
        ignoreClass: try config.optionalInt("ignore_class"),
        sparseYTrue: try config.bool("sparse_y_true", default: true),
        sparseYPred: try config.bool("sparse_y_pred", default: true),
        axis: try integer(config, "axis", default: -1), dtype: try countDType(config))
      return try finish(config, metric)
    },
    "MeanIoU": { config in
      let metric = try MeanIoU(
        numClasses: try config.int("num_classes"),
        name: try config.string("name", default: "mean_io_u"),
        ignoreClass: try config.optionalInt("ignore_class"),
        sparseYTrue: try config.bool("sparse_y_true", default: true),
        sparseYPred: try config.bool("sparse_y_pred", default: true),
        axis: try integer(config, "axis", default: -1), dtype: try countDType(config))
      return try finish(config, metric)
    },
    "OneHotIoU": { config in
      let metric = try OneHotIoU(
        numClasses: try config.int("num_classes"),
        targetClassIds: try classIds(config, "target_class_ids"),
        name: try config.string("name", default: "one_hot_io_u"),
        ignoreClass: try config.optionalInt("ignore_class"),
        sparseYPred: try config.bool("sparse_y_pred", default: false),
        axis: try integer(config, "axis", default: -1), dtype: try countDType(config))
      return try finish(config, metric)
    },
    "OneHotMeanIoU": { config in
      let metric = try OneHotMeanIoU(
        numClasses: try config.int("num_classes"),
        name: try config.string("name", default: "one_hot_mean_io_u"),
        ignoreClass: try config.optionalInt("ignore_class"),
        sparseYPred: try config.bool("sparse_y_pred", default: false),
        axis: try integer(config, "axis", default: -1), dtype: try countDType(config))
      return try finish(config, metric)
    },
    "BinaryIoU": { config in
      let metric = try BinaryIoU(
        targetClassIds: config.contains("target_class_ids")
          ? try classIds(config, "target_class_ids") : [0, 1],
        threshold: try config.double("threshold", default: 0.5),
        name: try config.string("name", default: "binary_io_u"), dtype: try countDType(config))
      return try finish(config, metric)
    },
  ]

  /// A required list of class ids.
  private static func classIds(_ config: ConfigReader, _ key: String) throws -> [Int] {
    guard let ids = try config.integers(key) else {
      throw config.mismatch(key, "a list of class ids")
    }
    return ids
  }

  /// The counts' `dtype`: int32 (Keras's default for these metrics), int64, float32 or
  /// float64.
  private static func countDType(_ config: ConfigReader) throws -> DType {
    let name = try config.string("dtype", default: "int32")
    guard let dtype = DType(name: name), [.int32, .int64, .float32, .float64].contains(dtype)
    else { throw config.mismatch("dtype", "'int32', 'int64', 'float32' or 'float64'") }
    return dtype
  }
}
