import Testing

@testable import Plexus

/// Every op on empty, scalar and mismatched inputs of every dtype either answers or throws a
/// `PlexusError`; none may trap (a trap would end this test process, and a C host's).
@Suite struct OddInputTests {
  static let shapes: [Shape] = [[], [0], [1], [3], [0, 3], [3, 0], [2, 3], [1, 3], [2, 1, 3]]
  static let dtypes: [DType] = [.float32, .float64, .int32, .int64, .uint8, .bool]

  func tensor(_ shape: Shape, _ dtype: DType) throws -> Tensor {
    let values = try Ops.arange(0, Double(shape.elementCount), dtype: .float32)
    return try Ops.cast(Ops.reshape(values, shape), to: dtype)
  }

  /// Runs `body`, accepting a result or a `PlexusError`; anything else is recorded.
  func survive(_ label: String, _ body: () throws -> Tensor) {
    do {
      _ = try body()
    } catch is PlexusError {
    } catch {
      Issue.record("\(label): unexpected error \(error)")
    }
  }

  @Test(arguments: OpCode.allCases.filter { $0.family == .unary })
  func unary(op: OpCode) throws {
    for shape in Self.shapes {
      for dtype in Self.dtypes {
        let x = try tensor(shape, dtype)
        survive("\(op) \(dtype) \(shape)") { try Ops.unary(op, x) }
      }
    }
  }

  @Test(arguments: OpCode.allCases.filter { $0.family == .binary })
  func binary(op: OpCode) throws {
    for a in Self.shapes {
      for b in Self.shapes {
        for dtype in [DType.float32, .int32, .bool] {
          let x = try tensor(a, dtype)
          let y = try tensor(b, dtype)
          survive("\(op) \(dtype) \(a) \(b)") { try Ops.binary(op, x, y) }
        }
      }
    }
  }

  @Test func reductionsAndLayout() throws {
    let indices = try Tensor([0, 5, -1] as [Int32], shape: [3])
    for shape in Self.shapes {
      for dtype in Self.dtypes {
        let x = try tensor(shape, dtype)
        for axes: [Int]? in [nil, [0], [-1], [1], [5]] {
          for op in [OpCode.sum, .max, .min, .prod] {
            survive("\(op) \(shape) \(String(describing: axes))") {
              try Ops.reduce(op, x, axes: axes, keepDims: false)
            }
          }
        }
        survive("argmax \(shape)") { try Ops.argmax(x) }
        survive("transpose \(shape)") { try Ops.transpose(x) }
        survive("take \(shape)") { try Ops.take(x, indices) }
        survive("slice \(shape)") {
          try Ops.slice(x, starts: Array(repeating: 0, count: x.rank), sizes: x.shape.dims)
        }
        survive("pad \(shape)") { try Ops.pad(x, Array(repeating: (1, 2), count: x.rank)) }
        survive("concat \(shape)") { try Ops.concatenate([x, x], axis: -1) }
        survive("softmax \(shape)") { try Ops.softmax(x) }
        survive("logSoftmax \(shape)") { try Ops.logSoftmax(x) }
        survive("reshape \(shape)") { try Ops.reshape(x, [-1]) }
        for target in Self.dtypes {
          survive("cast \(shape) \(dtype) to \(target)") { try Ops.cast(x, to: target) }
        }
      }
    }
  }

  @Test func matmulShapes() throws {
    let shapes: [Shape] = [
      [0], [3], [0, 3], [3, 0], [2, 3], [3, 2], [2, 2, 3], [4, 3, 2], [1, 3, 2],
    ]
    for a in shapes {
      for b in shapes {
        let x = try tensor(a, .float32)
        let y = try tensor(b, .float32)
        for backend in ["reference", "openblas"] {
          survive("matmul \(a) \(b) \(backend)") {
            try withBackend(backend) { try Ops.matmul(x, y) }
          }
        }
      }
    }
  }

  @Test func modelsOnEmptyBatches() throws {
    let model = Sequential {
      Input(shape: [4])
      Dense(3, activation: .relu)
      Dropout(0.5)
      Dense(2)
    }
    survive("predict on 0 samples") { try model.predictOnBatch(Tensor.zeros([0, 4])) }
    try model.compile(optimizer: "adam", loss: SparseCategoricalCrossentropy(fromLogits: true))
    survive("train on 0 samples") {
      _ = try model.trainOnBatch(Tensor.zeros([0, 4]), Tensor.zeros([0], dtype: .int32))
      return try Tensor.zeros([1])
    }
    survive("fit on 0 samples") {
      try model.fit(Tensor.zeros([0, 4]), Tensor.zeros([0], dtype: .int32), verbose: 0)
      return try Tensor.zeros([1])
    }
  }

  @Test func lossesMetricsAndLayersOnOddShapes() throws {
    let losses: [Loss] = [
      SparseCategoricalCrossentropy(fromLogits: true), SparseCategoricalCrossentropy(),
      CategoricalCrossentropy(fromLogits: true), BinaryCrossentropy(fromLogits: true),
      BinaryCrossentropy(), MeanSquaredError(),
    ]
    let metrics: [Metric] = [
      Accuracy(), SparseCategoricalAccuracy(), CategoricalAccuracy(), BinaryAccuracy(), Mean(),
    ]
    let layers: [() -> Layer] = [
      { Dense(2) }, { Flatten() }, { Reshape([-1]) }, { Activation(.softmax) }, { Dropout(0.5) },
    ]
    for a in Self.shapes {
      for b in Self.shapes {
        for dtype in [DType.float32, .int32] {
          let labels = try tensor(a, dtype)
          let predictions = try tensor(b, .float32)
          for loss in losses {
            survive("\(loss.name) \(a) \(b)") { try loss(labels, predictions) }
          }
          for metric in metrics {
            survive("\(metric.name) \(a) \(b)") {
              try metric.update(labels, predictions)
              return try Tensor.scalar(metric.result())
            }
          }
        }
      }
      for make in layers {
        let x = try tensor(a, .float32)
        survive("layer on \(a)") { try make()(x, training: true) }
      }
    }
  }
}
