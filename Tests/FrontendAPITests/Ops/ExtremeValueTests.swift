import Testing

@testable import Plexus

/// Every public op under the values a hostile caller tries first (``ExtremeValues``): each call
/// returns or throws a ``PlexusError``, none may trap or hang. Run in release too
/// (`swift test -c release -Xswiftc -enable-testing`): -O checks differently from debug.
@Suite struct ExtremeValueTests {
  typealias E = ExtremeValues

  @Test func creation() throws {
    for shape in E.shapes {
      for dtype in E.dtypes {
        E.survive("zeros \(shape) \(dtype)") { try Ops.zeros(shape, dtype: dtype) }
        E.survive("ones \(shape) \(dtype)") { try Ops.ones(shape, dtype: dtype) }
      }
      for value in E.doubles {
        E.survive("full \(shape) \(value)") { try Ops.full(shape, value, dtype: .int32) }
      }
      E.survive("Tensor \(shape)") { try Tensor([Float](repeating: 1, count: 4), shape: shape) }
      E.survive("Tensor empty \(shape)") { try Tensor([Float](), shape: shape) }
      E.survive("randomUniform \(shape)") { try Ops.randomUniform(shape) }
      E.survive("randomNormal \(shape)") { try Ops.randomNormal(shape, mean: .nan) }
      E.survive("truncatedNormal \(shape)") { try Ops.truncatedNormal(shape, stddev: .infinity) }
    }
    for count in E.ints {
      E.survive("arange \(count)") { try Ops.arange(count) }
    }
    for value in E.doubles {
      for dtype in E.dtypes {
        E.survive("scalar \(value) \(dtype)") { try Tensor.scalar(value, dtype: dtype) }
      }
    }
  }

  @Test func arangeOverEveryTripleOfExtremes() throws {
    for start in E.doubles {
      for stop in E.doubles {
        for step in E.doubles {
          // Valid but large ranges are not what this test is about; everything else is.
          let steps = ((stop - start) / step).rounded(.up)
          if steps.isFinite, steps > 1e6, steps <= Double(Shape.maximumElementCount) { continue }
          E.survive("arange(\(start), \(stop), \(step))") {
            try Ops.arange(start, stop, step: step, dtype: .float64)
          }
        }
      }
    }
    #expect(try Ops.arange(0, -1e300).count == 0)
    #expect(throws: PlexusError.self) { try Ops.arange(0, 1e300) }
  }

  @Test func elementwise() throws {
    let tensors = try E.tensors()
    for x in tensors {
      for op in OpCode.allCases where op.family == .unary {
        E.survive("\(op) \(x.dtype) \(x.shape)") { try Ops.unary(op, x) }
      }
      for dtype in E.dtypes {
        E.survive("cast \(x.dtype) to \(dtype)") { try Ops.cast(x, to: dtype) }
      }
      E.survive("zerosLike \(x.shape)") { try Ops.zerosLike(x) }
      E.survive("onesLike \(x.shape)") { try Ops.onesLike(x) }
      E.survive("copy \(x.shape)") { try Ops.copy(x) }
      E.survive("floats \(x.dtype)") { try x.floats() }
      E.survive("item \(x.shape)") { try x.item() }
      _ = x.description
      for value in E.doubles {
        E.survive("x + \(value)") { try x + value }
        E.survive("x - \(value)") { try x - value }
        E.survive("x * \(value)") { try x * value }
        E.survive("x / \(value)") { try x / value }
        E.survive("\(value) - x") { try value - x }
      }
      for low in E.doubles {
        E.survive("clip \(x.dtype) \(low)") { try Ops.clip(x, min: low, max: -low) }
      }
      for y in tensors {
        for op in OpCode.allCases where op.family == .binary {
          E.survive("\(op) \(x.shape) \(y.shape)") { try Ops.binary(op, x, y) }
        }
        E.survive("where \(x.shape) \(y.shape)") { try Ops.where(x, y, x) }
      }
    }
  }

  @Test func reductions() throws {
    for x in try E.tensors() {
      for axis in E.ints {
        for keepDims in [false, true] {
          for op in [OpCode.sum, .max, .min, .prod] {
            E.survive("\(op) \(x.shape) \(axis)") {
              try Ops.reduce(op, x, axes: [axis], keepDims: keepDims)
            }
          }
          E.survive("mean \(x.shape) \(axis)") { try Ops.mean(x, axes: [axis], keepDims: keepDims) }
          E.survive("argmax \(x.shape) \(axis)") { try Ops.argmax(x, axis: axis) }
          E.survive("argmin \(x.shape) \(axis)") { try Ops.argmin(x, axis: axis) }
          E.survive("logSumExp \(x.shape) \(axis)") {
            try Ops.logSumExp(x, axes: [axis], keepDims: keepDims)
          }
        }
      }
      E.survive("mean \(x.shape)") { try Ops.mean(x) }
      E.survive("logSumExp \(x.shape)") { try Ops.logSumExp(x) }
    }
  }

  @Test func layout() throws {
    let tensors = try E.tensors()
    let indices = [
      try Tensor([Int32.min, Int32.max, -1, 0], shape: [4]),
      try Tensor([Int64.min, Int64.max, 1], shape: [3]),
      try Tensor([Int32](), shape: [0]),
      try Tensor([0, 1] as [Int32], shape: [2]),
    ]
    for x in tensors {
      for shape in E.shapes {
        E.survive("reshape \(x.shape) \(shape)") { try Ops.reshape(x, shape) }
        E.survive("broadcastTo \(x.shape) \(shape)") { try Ops.broadcastTo(x, shape) }
      }
      for a in E.ints {
        E.survive("expandDims \(a)") { try Ops.expandDims(x, axis: a) }
        E.survive("squeeze \(a)") { try Ops.squeeze(x, axes: [a]) }
        E.survive("concatenate \(a)") { try Ops.concatenate([x, x, x], axis: a) }
        E.survive("stack \(a)") { try Ops.stack([x, x], axis: a) }
        E.survive("reshape [-1, \(a)]") { try Ops.reshape(x, [-1, a]) }
        for b in E.ints {
          E.survive("transpose \(a) \(b)") { try Ops.transpose(x, permutation: [a, b]) }
          E.survive("pad \(a) \(b)") { try Ops.pad(x, Array(repeating: (a, b), count: x.rank)) }
          let starts = [a] + Array(repeating: 0, count: Swift.max(x.rank - 1, 0))
          let sizes = [b] + Array(x.shape.dims.dropFirst())
          E.survive("slice \(x.shape) \(a) \(b)") {
            try Ops.slice(
              x, starts: Array(starts.prefix(x.rank)), sizes: Array(sizes.prefix(x.rank)))
          }
          E.survive("slice tail \(x.shape) \(a) \(b)") {
            try Ops.slice(
              x, starts: Array(repeating: a, count: x.rank),
              sizes: Array(repeating: b, count: x.rank))
          }
        }
        for index in indices {
          E.survive("take \(x.shape) \(index.shape) \(a)") { try Ops.take(x, index, axis: a) }
          E.survive("scatterAdd \(x.shape) \(a)") {
            try Ops.scatterAdd(x, indices: index, updates: x, axis: a)
          }
        }
      }
      E.survive("concatenate with empty") {
        try Ops.concatenate([x, Ops.zeros(Shape([0] + Array(x.shape.dims.dropFirst())))], axis: 0)
      }
    }
  }

  @Test func linearAlgebraAndNN() throws {
    let tensors = try E.tensors()
    for x in tensors {
      for y in tensors {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
          E.survive("matmul \(x.shape) \(y.shape)") {
            try Ops.matmul(x, y, transposeA: ta, transposeB: tb)
          }
        }
      }
      E.survive("softmax \(x.shape)") { try Ops.softmax(x) }
      E.survive("logSoftmax \(x.shape)") { try Ops.logSoftmax(x) }
      E.survive("softmaxComposite \(x.shape)") { try Ops.softmaxComposite(x) }
      E.survive("logSoftmaxComposite \(x.shape)") { try Ops.logSoftmaxComposite(x) }
      for depth in E.ints {
        E.survive("oneHot \(x.dtype) \(depth)") { try Ops.oneHot(x, depth: depth) }
      }
    }
  }

  @Test func gradientsThroughExtremes() throws {
    for x in try E.tensors() where x.dtype.isFloatingPoint {
      E.survive("gradient \(x.shape)") {
        let tape = GradientTape()
        var watched = x
        tape.watch(&watched)
        let y = try tape.record { try Ops.sum(Ops.logSumExp(Ops.relu(watched), axes: [-1])) }
        return try tape.gradient(of: y, wrt: [watched])
      }
    }
  }

  // MARK: Answers, not just survival

  @Test func reluKeepsNaN() throws {
    let y = try Ops.relu(Tensor([.nan, -1, 2, -.infinity, .infinity] as [Float]))
    let values = try y.floats()
    #expect(values[0].isNaN)
    #expect(Array(values.dropFirst()) == [0, 2, 0, .infinity])
    let y64 = try Ops.relu(Tensor([Double.nan], shape: [1]))
    #expect(try y64.scalars(Double.self)[0].isNaN)
  }

  @Test func logSumExpOfInfinitiesIsInfinite() throws {
    let negative = try Ops.logSumExp(Tensor([-.infinity, -.infinity] as [Float]))
    #expect(try negative.item() == -.infinity)
    let positive = try Ops.logSumExp(Tensor([1, .infinity] as [Float]))
    #expect(try positive.item() == .infinity)
    let rows = try Ops.logSumExp(
      Tensor([-.infinity, -.infinity, 0, 0] as [Float], shape: [2, 2]), axes: [1])
    #expect(try rows.floats()[0] == -.infinity)
    // log(2): 4e-6, not 1e-6, because oneDNN's `log` (the default backend's) is within 3.5e-6
    // of libm's, where the reference is within an ulp (see OneDNNBackendTests.eltwiseAccuracy).
    #expect(Swift.abs(try rows.floats()[1] - 0.6931472) < 4e-6)
    #expect(try Ops.logSumExp(Tensor([Float.nan, 1])).item().isNaN)
  }

  @Test func sizesPastTheMachineAreErrorsNotAborts() throws {
    let past = Shape.maximumElementCount + 1
    #expect(throws: PlexusError.self) { try Tensor.zeros([past]) }
    #expect(throws: PlexusError.self) { try Tensor.zeros([1 << 33, 1 << 33]) }
    #expect(throws: PlexusError.self) { try Tensor.zeros([0, 1 << 62, 1 << 62]) }
    let x = try Tensor.ones([2, 2])
    #expect(throws: PlexusError.self) { try Ops.pad(x, [(past, 0), (0, 0)]) }
    #expect(throws: PlexusError.self) { try Ops.oneHot(Tensor([0, 1] as [Int32]), depth: past) }
    // A row of 2^20 taken 2^16 times: 2^36 elements from 4.25 MB of inputs.
    let row = try Tensor.zeros([1, 1 << 20])
    #expect(throws: PlexusError.self) { try Ops.take(row, Ops.zeros([1 << 16], dtype: .int32)) }
    #expect(throws: PlexusError.self) {
      try Ops.concatenate(Array(repeating: Ops.zeros([0, Int.max / 2]), count: 3), axis: 0)
    }
    #expect(throws: PlexusError.self) {
      try Ops.slice(x, starts: [Int.max, 0], sizes: [Int.max, 2])
    }
    #expect(throws: PlexusError.self) { try Ops.slice(x, starts: [Int.min, 0], sizes: [-1, 2]) }
    #expect(throws: PlexusError.self) { try Ops.reshape(Tensor.zeros([0]), [0, Int.max]) }
  }
}
