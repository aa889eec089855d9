/// Intersection over union of classes, the usual score of semantic segmentation: per target
/// class `tp / (tp + fp + fn)`, from a confusion matrix kept over every batch since the last
/// reset, averaged over the target classes that occurred (in labels or predictions).
///
/// Labels and predictions are class indices (`sparseYTrue`, `sparseYPred`), or scores whose
/// largest entry along `axis` is the class. Both are flattened: every pixel, token or sample
/// counts once. Entries outside `0..<numClasses` on either side, and labels equal to
/// `ignoreClass`, are not counted.
///
/// Under Keras's default `dtype`, int32, class indices and sample weights are truncated to
/// integers before counting, as Keras casts them; with a float dtype the weights count as
/// given. The score is computed in float32 as Keras's: `tp / (tp + fp + fn + 1e-7)`, averaged
/// as `Σ / (valid + 1e-7)`.
///
/// ```swift
/// let iou = try IoU(numClasses: 3, targetClassIds: [0, 2])
/// try iou.update(labelMaps, predictedMaps)
/// print(iou.result())
/// ```
///
/// - `sampleWeight`: one weight per counted entry (after flattening), or a single weight.
///
/// No op per update: both tensors are read on the host. Equivalent to `keras.metrics.IoU`.
public class IoU: Metric {
  /// The most classes a confusion matrix keeps (its `numClasses²` entries stay within 32 MiB).
  public static let maximumClasses = 2048

  /// The number of classes; the confusion matrix is `numClasses × numClasses`.
  public let numClasses: Int
  /// The classes whose scores are averaged.
  public let targetClassIds: [Int]
  /// A label value that is not counted, or nil.
  public let ignoreClass: Int?
  /// Whether labels are class indices (else the argmax along `axis`).
  public let sparseYTrue: Bool
  /// Whether predictions are class indices (else the argmax along `axis`).
  public let sparseYPred: Bool
  /// The class axis of non-sparse labels or predictions.
  public let axis: Int
  /// The dtype of the counts: an integer dtype truncates class indices and weights, as Keras's
  /// default int32 does.
  public let dtype: DType
  /// The weighted counts, `[label * numClasses + prediction]`.
  private var matrix: [Double]

  /// Creates the metric; a class count outside `1...maximumClasses`, no target class or one
  /// outside `0..<numClasses`, or a dtype other than int32, int64, float32 or float64 throws.
  public init(
    numClasses: Int, targetClassIds: [Int], name: String = "io_u", ignoreClass: Int? = nil,
    sparseYTrue: Bool = true, sparseYPred: Bool = true, axis: Int = -1, dtype: DType = .int32
  ) throws {
    let context = String(describing: Self.self)
    guard (1...Self.maximumClasses).contains(numClasses) else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "num_classes must be in 1...\(Self.maximumClasses), received \(numClasses)")
    }
    guard !targetClassIds.isEmpty, targetClassIds.allSatisfy({ (0..<numClasses).contains($0) })
    else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "target_class_ids must be one or more class ids in [0, \(numClasses)), "
          + "received \(targetClassIds)")
    }
    guard [.int32, .int64, .float32, .float64].contains(dtype) else {
      throw PlexusError.invalidArgument(
        context: context,
        message: "dtype must be int32, int64, float32 or float64, received \(dtype)")
    }
    self.numClasses = numClasses
    self.targetClassIds = targetClassIds
    self.ignoreClass = ignoreClass
    self.sparseYTrue = sparseYTrue
    self.sparseYPred = sparseYPred
    self.axis = axis
    self.dtype = dtype
    matrix = [Double](repeating: 0, count: numClasses * numClasses)
    super.init(name: name)
  }

  /// The weighted confusion matrix, one row per label class, one column per predicted class.
  public var confusionMatrix: [[Double]] {
    (0..<numClasses).map { Array(matrix[($0 * numClasses)..<(($0 + 1) * numClasses)]) }
  }

  /// Adds one batch.
  public override func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil)
    throws
  {
    let truth = try classes(of: yTrue, sparse: sparseYTrue, role: "labels")
    let predicted = try predictedClasses(yPred)
    guard truth.count == predicted.count else {
      throw PlexusError.shapeMismatch(
        context: errorContext, expected: "as many class indices in labels as in predictions",
        received: "labels of shape \(yTrue.shape), predictions of shape \(yPred.shape)")
    }
    var weights: [Double]? = nil
    if let sampleWeight {
      let values = try Self.hostValues(sampleWeight).map(counted)
      guard values.count == 1 || values.count == truth.count else {
        throw PlexusError.shapeMismatch(
          context: errorContext,
          expected: "one sample weight, or one per counted entry (\(truth.count))",
          received: "sample weights of shape \(sampleWeight.shape)")
      }
      weights = values
    }
    let classCount = Double(numClasses)
    for index in truth.indices {
      let (label, prediction) = (counted(truth[index]), counted(predicted[index]))
      guard label >= 0, label < classCount, prediction >= 0, prediction < classCount,
        ignoreClass.map({ Double($0) != label }) ?? true
      else { continue }
      let weight = weights.map { $0.count == 1 ? $0[0] : $0[index] } ?? 1
      matrix[Int(label) * numClasses + Int(prediction)] += weight
    }
  }

  /// The predicted classes of `yPred`, flattened; ``BinaryIoU`` thresholds instead.
  func predictedClasses(_ yPred: Tensor) throws -> [Double] {
    try classes(of: yPred, sparse: sparseYPred, role: "predictions")
  }

  /// `tensor`'s values when `sparse`, else the index of the largest along ``axis``.
  private func classes(of tensor: Tensor, sparse: Bool, role: String) throws -> [Double] {
    guard !sparse else { return try Self.hostValues(tensor) }
    let rank = tensor.rank
    guard (-rank..<rank).contains(axis), case let resolved = axis < 0 ? axis + rank : axis,
      tensor.shape[resolved] > 0
    else {
      throw PlexusError.shapeMismatch(
        context: errorContext,
        expected: "\(role) with a non-empty class axis \(axis) (sparse_y_true / sparse_y_pred "
          + "false)",
        received: "\(role) of shape \(tensor.shape)")
    }
    // The class axis last (Keras's default): the accuracies' row argmax.
    if resolved == rank - 1 { return try Self.hostArgmax(tensor) }
    let values = try Self.hostValues(tensor)
    let size = tensor.shape[resolved]
    let inner = tensor.shape.dims[(resolved + 1)...].reduce(1, *)
    let outer = tensor.shape.dims[..<resolved].reduce(1, *)
    var result: [Double] = []
    result.reserveCapacity(outer * inner)
    var line = [Double](repeating: 0, count: size)
    for block in 0..<outer {
      for offset in 0..<inner {
        for k in 0..<size { line[k] = values[(block * size + k) * inner + offset] }
        result.append(Double(Self.argmax(line[...])))
      }
    }
    return result
  }

  /// `value` as the counts' dtype holds it: truncated toward zero under an integer dtype (NaN
  /// and infinities, which have no integer, become -1 and are not counted).
  private func counted(_ value: Double) -> Double {
    guard dtype.isInteger else { return value }
    return value.isFinite ? value.rounded(.towardZero) : -1
  }

  /// The mean of the target classes' scores, over those that occurred; 0 before any update.
  public override func result() -> Double {
    let n = numClasses
    var total: Float = 0
    var valid: Float = 0
    for target in targetClassIds {
      var labelled = 0.0
      var predicted = 0.0
      for other in 0..<n {
        labelled += matrix[target * n + other]
        predicted += matrix[other * n + target]
      }
      let truePositives = matrix[target * n + target]
      let denominator = Float(labelled + predicted - truePositives)
      guard denominator > 1e-9 else { continue }
      valid += 1
      total += Float(truePositives) / (denominator + 1e-7)
    }
    return Double(total / (valid + 1e-7))
  }

  /// The confusion matrix, for ``DataParallel`` to add across processes.
  public override var summableState: [Double] { matrix }

  /// Sets the confusion matrix to the sum of every process's.
  public override func loadSummedStates(_ states: [[Double]]) throws {
    let context = "\(type(of: self)) '\(name)'"
    guard let sum = try Self.sumStates(states, context: context) else {
      matrix = [Double](repeating: 0, count: numClasses * numClasses)
      return
    }
    guard sum.count == matrix.count else {
      throw PlexusError.invalidState(
        context: context,
        message: "expected \(matrix.count) summed counts, received \(sum.count)")
    }
    matrix = sum
  }

  /// Forgets every update.
  public override func reset() {
    super.reset()
    matrix = [Double](repeating: 0, count: numClasses * numClasses)
  }

  /// `name`, `dtype`, `num_classes`, `target_class_ids`, `ignore_class`, `sparse_y_true`,
  /// `sparse_y_pred` and `axis`, as Keras's IoU writes them (its subclasses keep their own
  /// keys of these).
  public override var config: [String: ConfigValue] { iouConfig }

  /// Every key of ``config``, for subclasses to keep Keras's subset.
  var iouConfig: [String: ConfigValue] {
    super.config.merging([
      "dtype": .string(dtype.description), "num_classes": .int(numClasses),
      "target_class_ids": .array(targetClassIds.map(ConfigValue.int)),
      "ignore_class": ignoreClass.map(ConfigValue.int) ?? .null,
      "sparse_y_true": .bool(sparseYTrue), "sparse_y_pred": .bool(sparseYPred),
      "axis": .int(axis),
    ]) { $1 }
  }
}
