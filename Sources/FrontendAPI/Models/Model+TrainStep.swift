extension Model {
  /// The compiled loss summed over outputs plus every layer's regularization penalty
  /// (``Layer/losses``); also feeds the running loss shown in the logs.
  public func computeLoss(_ y: [Tensor], _ predictions: [Tensor]) throws -> Tensor {
    let compiled = try requireCompiled("computeLoss")
    guard y.count == predictions.count else {
      throw PlexusError.invalidArgument(
        context: "Model '\(name)'",
        message: "has \(predictions.count) outputs but received \(y.count) targets")
    }
    var total: Tensor?
    let batch = Double(predictions.first?.shape.dims.first ?? 1)
    for (index, (target, prediction)) in zip(y, predictions).enumerated() {
      guard index < compiled.losses.count else { break }
      var value = try compiled.losses[index](
        target, prediction, sampleWeight: compiled.batchSampleWeight)
      if compiled.prefixes.count > 1 {
        compiled.track(value, weight: batch, in: compiled.outputLossTrackers[index])
      }
      if let weights = compiled.lossWeights, index < weights.count, weights[index] != 1 {
        value = try Ops.multiply(value, Tensor.scalar(weights[index], dtype: value.dtype))
      }
      total = try total.map { try Ops.add($0, value) } ?? value
    }
    guard var total else {
      throw PlexusError.invalidArgument(context: "Model '\(name)'", message: "no outputs")
    }
    // Regularization penalties join the loss, as Keras adds `model.losses`.
    for penalty in try losses {
      total = try Ops.add(total, Ops.cast(penalty, to: total.dtype))
    }
    compiled.track(total, weight: batch, in: compiled.lossTracker)
    return total
  }

  /// Updates the compiled metrics of every output. A prediction's mask (``Tensor/mask``: its
  /// output's steps an `Embedding(maskZero:)` or `Masking` left out) weighs the metrics that
  /// Keras weighs by it (``Metric/weighsByPredictionMask``), so masked steps count for nothing.
  ///
  /// The weighted metrics (`compile(weightedMetrics:)`) are also weighed by the batch's sample
  /// weights (those `fit` and `evaluate` were given, class weights included), times the mask
  /// where there is one.
  public func updateMetrics(_ y: [Tensor], _ predictions: [Tensor]) throws {
    let compiled = try requireCompiled("updateMetrics")
    for (index, (target, prediction)) in zip(y, predictions).enumerated() {
      let maskWeight = try prediction.mask.map { try Ops.cast($0, to: .float32) }
      if index < compiled.metrics.count {
        for metric in compiled.metrics[index] {
          try metric.update(
            target, prediction, sampleWeight: metric.weighsByPredictionMask ? maskWeight : nil)
        }
      }
      guard index < compiled.weightedMetrics.count, !compiled.weightedMetrics[index].isEmpty
      else { continue }
      let sampleWeight = try compiled.batchSampleWeight.map { try Ops.cast($0, to: .float32) }
      for metric in compiled.weightedMetrics[index] {
        let weight = try Self.product(
          sampleWeight, metric.weighsByPredictionMask ? maskWeight : nil)
        try metric.update(target, prediction, sampleWeight: weight)
      }
    }
  }

  /// `sampleWeight · mask` (per-sample weights spread over the mask's steps), or the one given.
  private static func product(_ sampleWeight: Tensor?, _ mask: Tensor?) throws -> Tensor? {
    guard let sampleWeight, let mask else { return sampleWeight ?? mask }
    var weight = sampleWeight
    while weight.rank < mask.rank { weight = try Ops.expandDims(weight, axis: -1) }
    return try Ops.multiply(mask, weight)
  }

  /// Sets the loss tracker and every metric back to empty.
  public func resetMetrics() { compiled?.resetMetrics() }
}
