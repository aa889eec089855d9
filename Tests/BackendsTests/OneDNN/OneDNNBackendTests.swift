import BackendProtocol
import Dispatch
import PlexusOneDNN
import PlexusReference
import PlexusTestSupport
import Synchronization
import Testing

@Suite struct OneDNNBackendTests {
  static let runs: Set<OpCode> = [
    .matmul, .negate, .exp, .log, .sqrt, .tanh, .sigmoid, .relu, .abs, .square, .add, .subtract,
    .multiply, .divide, .maximum, .minimum, .sum, .max, .min, .prod, .softmax, .logSoftmax,
    .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .maxPool2d, .maxPool2dGradient,
    .avgPool2d, .avgPool2dGradient, .conv2dBiasActivation, .dense, .activationGradient,
    .batchNorm, .batchNormGradient, .layerNorm, .layerNormGradient, .lstm, .lstmGradient,
    .gru, .gruGradient,
  ]

  /// The ops it runs on host kernels, on every dtype the reference backend runs them on but
  /// float64: what a training step needs besides oneDNN's primitives.
  static let host: Set<OpCode> = [
    .copy, .fill, .iota, .cast, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
    .logicalAnd, .logicalOr, .logicalNot, .select, .argmax, .argmin, .transpose, .concat,
    .slice, .gather, .scatterAdd, .pad, .oneHot, .randomUniform, .randomNormal,
    .randomTruncatedNormal, .sparseSoftmaxCrossEntropy, .sparseSoftmaxCrossEntropyGradient,
    .sgdUpdate, .adamUpdate,
  ]

  /// The ops it runs on bfloat16 operands, on a CPU with `avx512_core_bf16`.
  static let bfloat16: Set<OpCode> = [
    .matmul, .dense, .conv2d, .conv2dBiasActivation, .conv2dBackwardInput, .conv2dBackwardFilter,
  ]

  @Test func supportsExactlyWhatRuns() {
    let backend = OneDNNBackend()
    let reference = ReferenceBackend()
    #expect(backend.name == "onednn")
    for op in OpCode.allCases {
      for dtype in DType.allCases {
        // oneDNN's CPU engine computes in float32 (and bf16, int8); never float64.
        let onHost = Self.host.contains(op) && dtype != .float64 && reference.supports(op, dtype)
        let native =
          dtype == .float32 && Self.runs.contains(op)
          || dtype == .bfloat16 && OneDNNBackend.computesBFloat16 && Self.bfloat16.contains(op)
        #expect(backend.supports(op, dtype) == (native || onHost), "\(op) \(dtype)")
      }
    }
    #expect(backend.refinesSupport)
  }

  /// Records oneDNN would run in its slow reference code, or cannot run, are declined up
  /// front, so the dispatcher sends them to the reference backend.
  @Test func supportsDeclinesWhatOneDNNRunsSlowlyOrNotAtAll() {
    let backend = OneDNNBackend()
    func record(_ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes, _ out: Shape)
      -> OpRecord
    {
      OpRecord(op, inputs: inputs, attributes: attributes, outputs: [output(out)])
    }
    let x = buffer(randomValues(24, seed: 1), [2, 3, 4])
    // A reduced run that is innermost: oneDNN's JIT reduction; a sum over any one run: a
    // product with ones; max, min, prod elsewhere, or two reduced runs: declined.
    #expect(backend.supports(record(.max, [x], [.axes: .ints([2])], [2, 3])))
    #expect(backend.supports(record(.prod, [x], [.axes: .ints([1, 2])], [2])))
    #expect(backend.supports(record(.sum, [x], [.axes: .ints([0])], [3, 4])))
    #expect(backend.supports(record(.sum, [x], [.axes: .ints([1])], [2, 4])))
    #expect(!backend.supports(record(.max, [x], [.axes: .ints([0])], [3, 4])))
    #expect(!backend.supports(record(.sum, [x], [.axes: .ints([0, 2])], [3])))
    #expect(!backend.supports(record(.softmax, [x], [.axis: .int(1)], [2, 3, 4])))
    #expect(backend.supports(record(.softmax, [x], [.axis: .int(2)], [2, 3, 4])))
    #expect(backend.supports(record(.add, [x, x], .none, [2, 3, 4])))
    // Records it cannot read are accepted, so that running them reports the error.
    #expect(backend.supports(record(.sum, [x], .none, [2, 3, 4])))
    #expect(backend.supports(OpRecord(.add, inputs: [], outputs: [])))
  }

  /// oneDNN's approximations, sized on sweeps of 2²⁴ values against libm: `exp`, `tanh` and
  /// `sigmoid` within 1e-6 relative (measured at most 5, 1 and 3 ulps); `log` within 4e-6,
  /// relative above 1 in magnitude and absolute below (measured 3.5e-6; its error near
  /// `x = 1`, where `log` crosses 0, is 1.4e-6 absolute, so `log(1)` is -1.4e-6, not 0); the
  /// others exact. All inside the conformance checker's 1e-4 (relative above 1, absolute
  /// below).
  @Test(arguments: [
    (OpCode.exp, -80.0, 80.0, 1e-6), (.tanh, -20, 20, 1e-6), (.sigmoid, -20, 20, 1e-6),
    (.log, 1e-3, 1e6, 4e-6), (.sqrt, 0, 100, 0), (.relu, -5, 5, 0), (.abs, -5, 5, 0),
    (.square, -5, 5, 0), (.negate, -5, 5, 0),
  ])
  func eltwiseAccuracy(op: OpCode, low: Double, high: Double, tolerance: Double) throws {
    let count = 20_001
    let x = buffer(
      (0..<count).map { low + (high - low) * Double($0) / Double(count - 1) }, [count])
    let result = try compare(OneDNNBackend(), op, [x], [count])
    #expect(result.status == .done)
    var worst = 0.0
    for (actual, expected) in zip(result.actual, result.expected) {
      let error = Swift.abs(actual - expected)
      // log's error is absolute below 1 in magnitude (its value crosses 0 at x = 1).
      let scale = op == .log ? Swift.max(Swift.abs(expected), 1) : Swift.abs(expected)
      worst = Swift.max(worst, error / Swift.max(scale, 1e-30))
    }
    #expect(worst <= tolerance, "\(op): worst error \(worst)")
  }

  /// NaN (and +∞ for softmax, subnormals for `log`) would take oneDNN's kernels away from the
  /// reference semantics: those records are answered unsupported, so the reference runs them.
  @Test func specialValuesAreLeftToTheReference() throws {
    let backend = OneDNNBackend()
    let special = buffer([.nan, 1, -2, 3], [4])
    for op in [OpCode.relu, .exp] {
      #expect(try compare(backend, op, [special], [4]).status == .unsupported, "\(op)")
    }
    for op in [OpCode.tanh, .sigmoid, .sqrt, .abs, .negate, .square, .log] {
      let result = try compare(backend, op, [special], [4])
      #expect(result.agrees(within: 4e-6), "\(op): \(result)")
    }
    // The scan reads sixteen lanes at a time, then the tail: a NaN in either is found.
    for position in [0, 500, 991, 999] {
      var values = randomValues(1000, seed: 9)
      values[position] = .nan
      let long = buffer(values, [1000])
      #expect(try compare(backend, .relu, [long], [1000]).status == .unsupported, "\(position)")
    }
    #expect(
      try compare(backend, .relu, [buffer(randomValues(1000, seed: 9), [1000])], [1000]).agrees())
    let tiny = buffer([1e-40, 1], [2])
    #expect(try compare(backend, .log, [tiny], [2]).status == .unsupported)
    let ones = buffer([1, 1, 1, 1], [4])
    for op in [OpCode.maximum, .minimum] {
      #expect(try compare(backend, op, [special, ones], [4]).status == .unsupported)
      #expect(try compare(backend, op, [ones, special], [4]).status == .unsupported)
      #expect(try compare(backend, op, [ones, ones], [4]).agrees())
    }
    #expect(try compare(backend, .add, [special, ones], [4]).agrees())
    for op in [OpCode.max, .min] {
      #expect(try compare(backend, op, [special], [.axes: .ints([0])], []).status == .unsupported)
    }
    #expect(try compare(backend, .sum, [special], [.axes: .ints([0])], []).agrees())
    let infinite = buffer([.infinity, 1, 2, 3], [2, 2])
    for op in [OpCode.softmax, .logSoftmax] {
      #expect(
        try compare(backend, op, [infinite], [.axis: .int(1)], [2, 2]).status == .unsupported)
    }
  }

  /// No op runs on an OpenMP team, whatever the thread setting: a large op runs in parts on
  /// the worker pool, each primitive on one OpenMP thread, and gives the same bits at every
  /// setting.
  @Test func primitivesRunOnOneOpenMPThread() throws {
    let backend = OneDNNBackend()
    let small = buffer([1, 2, 3], [3])
    let large = buffer(
      randomValues(OneDNNBackend.parallelElementsFrom + 5, seed: 2),
      [OneDNNBackend.parallelElementsFrom + 5])
    var results: [[UInt32]] = []
    for threads in [1, 2, 1] {
      backend.setThreadCount(threads)
      #expect(backend.threadCount == threads)
      let out = output(large.shape)
      try backend.unary(.tanh, large, out)
      #expect(OneDNNBackend.openMPThreadCountOfThisThread == 1)
      results.append((0..<out.count).map { out.pointer(Float.self)[$0].bitPattern })
      try backend.unary(.relu, small, output([3]))
      #expect(OneDNNBackend.openMPThreadCountOfThisThread == 1)
    }
    #expect(results[0] == results[1] && results[1] == results[2])
    backend.setThreadCount(0)
    #expect(backend.threadCount == 1)
  }

  /// One backend (one cache, one engine) used from several threads at once, on plans made on
  /// another thread, for products that need scratch memory (oneDNN's default, a scratchpad
  /// held per creating thread, would make these threads compute in one another's scratch).
  @Test func concurrentUseAgrees() throws {
    let backend = OneDNNBackend(cacheCapacity: 6)
    let a = buffer(randomValues(32 * 784, seed: 1), [32, 784])
    let b = buffer(randomValues(784 * 128, seed: 2), [784, 128])
    let c = buffer(randomValues(4 * 64 * 2048, seed: 3), [4, 64, 2048])
    let d = buffer(randomValues(2048 * 64, seed: 4), [2048, 64])
    let expected = (output([32, 128]), output([4, 64, 64]))
    // Plans made here, on the test's thread.
    try backend.matmul(a, b, transposeA: false, transposeB: false, expected.0)
    try backend.matmul(c, d, transposeA: false, transposeB: false, expected.1)
    let outputs = (0..<16).map { _ in (output([32, 128]), output([4, 64, 64])) }
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: outputs.count) { index in
      do {
        for _ in 0..<4 {
          try backend.matmul(a, b, transposeA: false, transposeB: false, outputs[index].0)
          try backend.matmul(c, d, transposeA: false, transposeB: false, outputs[index].1)
          // Other sizes on alternate threads, so plans are evicted while others run them.
          let rows = 20 + index % 5
          try backend.matmul(
            buffer(randomValues(rows * 784, seed: 5), [rows, 784]), b, transposeA: false,
            transposeB: false, output([rows, 128]))
        }
      } catch {
        failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(failures.withLock { $0 }.isEmpty)
    for out in outputs {
      #expect(values(out.0) == values(expected.0))
      #expect(values(out.1) == values(expected.1))
    }
    #expect(backend.cachedPlanCount <= 6)
  }
}
