/// The base of every metric: state kept on the host as a weighted total and a weight count,
/// updated from each batch and read with ``result()``.
///
/// Subclasses override ``update(_:_:sampleWeight:)`` and usually call
/// ``accumulate(_:shape:sampleWeight:)`` with per-element values (1 for a hit, 0 for a miss).
/// Reading the small per-batch tensors to the host keeps an update to a few ops.
///
/// Not `Sendable`: its running totals belong to one loop, and the compiler keeps it in one task
/// at a time (subclasses need no annotation). Equivalent to `keras.metrics.Metric`.
open class Metric {
  /// The name shown in logs (`"accuracy"`, `"loss"`).
  public let name: String
  /// The weighted sum of per-sample values since the last ``reset()``.
  public private(set) var total: Double = 0
  /// The sum of sample weights (the sample count, unweighted) since the last ``reset()``.
  public private(set) var count: Double = 0

  /// Creates a metric with a name.
  public init(name: String) {
    self.name = name
  }

  /// Adds one batch. Equivalent to `metric.update_state(y_true, y_pred, sample_weight)`.
  open func update(_ yTrue: Tensor, _ yPred: Tensor, sampleWeight: Tensor? = nil) throws {
    throw PlexusError.invalidState(
      context: "\(type(of: self)).update",
      message: "a Metric subclass must override update(_:_:sampleWeight:)")
  }

  /// The settings under their Keras names, as `get_config()` returns them.
  open var config: [String: ConfigValue] { ["name": .string(name), "dtype": "float32"] }

  /// The weighted mean so far (0 before any update). Equivalent to `metric.result()`.
  open func result() -> Double { count == 0 ? 0 : total / count }

  /// Every number of Keras's `result()`: one for most metrics; one per class or per threshold
  /// where Keras's is a vector (`FBetaScore` without `average`, `Precision` and `Recall` at
  /// several thresholds), whose ``result()`` is the number training logs.
  open func resultValues() -> [Double] { [result()] }

  /// The Keras class name (`"SparseCategoricalAccuracy"`).
  open var className: String { String(describing: type(of: self)) }

  /// Forgets every update. Equivalent to `metric.reset_state()`.
  open func reset() {
    total = 0
    count = 0
  }

  /// The running state as numbers that add up across processes: ``DataParallel`` sums every
  /// process's at the end of each epoch and evaluation, so the logs report the whole batch.
  /// `[total, count]` here; a subclass with state of its own overrides this and
  /// ``loadSummedStates(_:)`` (empty: nothing counted yet).
  open var summableState: [Double] { [total, count] }

  /// Replaces the state with the sum of `states`, each a ``summableState`` of a metric of this
  /// kind and configuration, added in order.
  open func loadSummedStates(_ states: [[Double]]) throws {
    let sum = try Self.sumStates(states, context: "\(type(of: self)) '\(name)'")
    total = sum.map { $0[0] } ?? 0
    count = sum.map { $0[1] } ?? 0
  }

  /// The elementwise sum of the non-empty `states` in order, after `header` entries that must
  /// agree (sizes, label counts); nil when every state is empty.
  static func sumStates(_ states: [[Double]], header: Int = 0, context: String) throws
    -> [Double]?
  {
    let present = states.filter { !$0.isEmpty }
    guard var sum = present.first else { return nil }
    for state in present.dropFirst() {
      guard state.count == sum.count, state.prefix(header) == sum.prefix(header) else {
        throw PlexusError.invalidState(
          context: context,
          message: "processes hold metric states of different layouts (\(sum.count) and "
            + "\(state.count) values); every process must compile the same metrics")
      }
      for index in header..<sum.count { sum[index] += state[index] }
    }
    guard sum.count >= header else { return nil }
    return sum
  }

  /// Whether a mask on the predictions weighs each update (masked elements count for
  /// nothing), as Keras's `MeanMetricWrapper` applies `y_pred`'s mask: true for the accuracies
  /// and the mean absolute error; false here, as for Keras's Precision, Recall, AUC, F1 score
  /// and root mean squared error, which ignore it.
  open var weighsByPredictionMask: Bool { false }

  /// Adds a batch of per-element `values` laid out as `shape` (leading axis: samples), as
  /// Keras's `Mean` does: each sample contributes the mean of its elements (weighted by
  /// `sampleWeight`) and counts its weight. The weights are one per sample, one per element,
  /// or one per group of trailing elements (a `(batch, steps)` mask over `(batch, steps,
  /// features)` values), broadcast as Keras broadcasts a sample weight.
  public func accumulate(_ values: [Double], shape: Shape, sampleWeight: Tensor? = nil) throws {
    let samples = shape.rank == 0 ? 1 : shape[0]
    let width = samples == 0 ? 0 : values.count / samples
    guard let sampleWeight else {
      guard samples > 0, width > 0 else { return }
      total += values.reduce(0, +) / Double(width)
      count += Double(samples)
      return
    }
    let weights = try Self.hostValues(sampleWeight)
    // The weight's axes without trailing 1s: when they lead the values' axes (the batch axis
    // included), each weight covers the elements of the axes after them.
    var leading = sampleWeight.shape.dims
    while leading.last == 1 { leading.removeLast() }
    let span: Int
    if leading.count <= shape.rank, Array(shape.dims.prefix(leading.count)) == leading {
      span = shape.dims.dropFirst(leading.count).reduce(1, *)
    } else if weights.count == values.count {
      span = 1
    } else if weights.count == samples {
      span = width
    } else {
      throw PlexusError.shapeMismatch(
        context: "\(type(of: self)) sample_weight",
        expected: "one weight per sample (\(samples)), per element (\(values.count) for "
          + "values of shape \(shape)) or per leading axes of it",
        received: "\(sampleWeight.shape)")
    }
    guard width > 0, span > 0 else { return }
    for sample in 0..<samples {
      var weightedSum = 0.0
      var weightSum = 0.0
      for offset in 0..<width {
        let index = sample * width + offset
        let weight = weights[index / span]
        weightedSum += values[index] * weight
        weightSum += weight
      }
      total += weightedSum / Double(width)
      count += weightSum / Double(width)
    }
  }

  /// Adds `value` with `weight` directly (for values already on the host, such as a loss).
  public func accumulate(value: Double, weight: Double = 1) {
    total += value * weight
    count += weight
  }

  /// The index of the largest element along the last axis of `tensor`, row by row, as host
  /// `Double`s: the `argmax` op's answer (the first of equal largest values; NaN counts as
  /// the largest, its first occurrence wins), computed here without dispatching the op, which
  /// cost more than the metric's own work on a training step's small batch. Integer tensors
  /// of 64 bits, whose values a `Double` may round together, scalars and empty class axes
  /// still go through the op (and its errors).
  static func hostArgmax(_ tensor: Tensor) throws -> [Double] {
    let width = tensor.rank == 0 ? 0 : tensor.shape[tensor.rank - 1]
    guard width > 0, tensor.dtype != .int64, tensor.dtype != .bfloat16 else {
      return try hostValues(Ops.argmax(tensor, axis: -1))
    }
    let values = try hostValues(tensor)
    return stride(from: 0, to: values.count, by: width).map { start in
      Double(argmax(values[start..<(start + width)]) - start)
    }
  }

  /// The index (of `values`' own) of the first largest value, as `argmax` gives it (NaN counts
  /// as largest).
  static func argmax(_ values: ArraySlice<Double>) -> Int {
    var best = values.startIndex
    for index in values.indices {
      if values[best].isNaN { break }
      if values[index].isNaN || values[index] > values[best] { best = index }
    }
    return best
  }

  /// The elements of a small tensor as host `Double`s, without dispatching an op for the
  /// common dtypes.
  static func hostValues(_ tensor: Tensor) throws -> [Double] {
    switch tensor.dtype {
    case .float32: try tensor.scalars(Float.self).map(Double.init)
    case .float64: try tensor.scalars(Double.self)
    case .int32: try tensor.scalars(Int32.self).map(Double.init)
    case .int64: try tensor.scalars(Int64.self).map(Double.init)
    case .uint8: try tensor.scalars(UInt8.self).map(Double.init)
    case .bool: try tensor.scalars(Bool.self).map { $0 ? 1 : 0 }
    case .bfloat16: try Ops.cast(tensor, to: .float32).scalars(Float.self).map(Double.init)
    }
  }
}
