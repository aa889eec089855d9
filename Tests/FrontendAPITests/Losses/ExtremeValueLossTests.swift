import Testing

@testable import Plexus

/// Losses, metrics, callbacks and gradients under the values a hostile caller tries first
/// (``ExtremeValues``): each call returns or throws a ``PlexusError``.
@Suite struct ExtremeValueLossTests {
  typealias E = ExtremeValues

  @Test func lossesAndMetricsOnExtremeTensors() throws {
    let tensors = try E.tensors()
    for smoothing in E.doubles {
      let losses: [Loss] = [
        SparseCategoricalCrossentropy(fromLogits: true), SparseCategoricalCrossentropy(),
        CategoricalCrossentropy(fromLogits: true, labelSmoothing: smoothing),
        BinaryCrossentropy(fromLogits: true, labelSmoothing: smoothing),
        BinaryCrossentropy(labelSmoothing: smoothing), MeanSquaredError(),
      ]
      let metrics: [Metric] = [
        Accuracy(), SparseCategoricalAccuracy(), CategoricalAccuracy(),
        BinaryAccuracy(threshold: smoothing), Mean(),
      ]
      for labels in tensors {
        for predictions in tensors {
          for loss in losses {
            E.survive("\(loss.name) \(labels.shape) \(predictions.shape)") {
              try loss(labels, predictions, sampleWeight: labels)
            }
          }
          for metric in metrics {
            E.survive("\(metric.name) \(labels.shape) \(predictions.shape)") {
              try metric.update(labels, predictions)
              return metric.result()
            }
          }
        }
      }
    }
  }

  @Test func sparseLabelsAtTheEndsOfTheirTypesAreErrors() throws {
    let loss = SparseCategoricalCrossentropy(fromLogits: true)
    let logits = try Tensor.ones([1, 3])
    for labels in [
      try Tensor([Int64.max], shape: [1]), try Tensor([Int64.min], shape: [1]),
      try Tensor([Int32.max], shape: [1]), try Tensor([Int32.min], shape: [1]),
    ] {
      let error = #expect(throws: PlexusError.self) { try loss(labels, logits) }
      #expect(error?.description.contains("outside the valid range [0, 3)") == true)
    }
  }

  @Test func gradientsOfEveryUnaryOpAtExtremes() throws {
    for x in try E.tensors() where x.dtype.isFloatingPoint {
      for op in OpCode.allCases where op.family == .unary {
        E.survive("gradient of \(op) at \(x.shape)") {
          let tape = GradientTape()
          var watched = x
          tape.watch(&watched)
          let y = try tape.record { try Ops.sum(Ops.unary(op, watched)) }
          return try tape.gradient(of: y, wrt: [watched])
        }
      }
      E.survive("gradient of softmax, mean and matmul at \(x.shape)") {
        let tape = GradientTape()
        var watched = x
        tape.watch(&watched)
        let y = try tape.record {
          try Ops.mean(Ops.logSoftmax(watched)) + Ops.sum(Ops.matmul(watched, watched))
        }
        return try tape.gradient(of: y, wrt: [watched])
      }
    }
  }

  @Test func earlyStoppingWithExtremeSettings() throws {
    let x = try Tensor.ones([4, 3])
    let y = try Tensor.zeros([4], dtype: .int32)
    for value in E.ints {
      for delta in [Double.nan, .infinity, -.infinity, 0] {
        let model = Sequential {
          Input(shape: [3])
          Dense(2)
        }
        try model.compile(optimizer: "sgd", loss: SparseCategoricalCrossentropy(fromLogits: true))
        let callback = EarlyStopping(
          monitor: "loss", minDelta: delta, patience: value, baseline: delta,
          restoreBestWeights: true, startFromEpoch: value)
        E.survive("EarlyStopping patience \(value) delta \(delta)") {
          try model.fit(x, y, epochs: 3, verbose: 0, callbacks: [callback])
        }
      }
    }
  }
}
