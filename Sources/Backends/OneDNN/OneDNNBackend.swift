import BackendProtocol
import CDNNL
import PlexusReference
import Synchronization

/// `float32` kernels through oneDNN's primitives (Debian's libdnnl 2.6, its 2.x C API), and
/// `bfloat16` ones for products and convolutions (``runsInBFloat16(_:)``): batched
/// matrix products, elementwise unary and binary ops with NumPy broadcasting, reductions,
/// softmax / log-softmax on the last axis, 2-D convolution forward and backward (the filter in
/// oneDNN's preferred layout, the bias and activation of `conv2d_bias_activation` as
/// post-ops, 3×3 ones between many channels on its Winograd kernels: ``usesWinograd``), max
/// and average pooling forward and backward, and batch and layer normalization forward and
/// backward. The ops around them that
/// oneDNN has no primitive for (indexing, layout, comparisons, random draws, cross-entropy,
/// optimizer updates, activation gradients) run here on host kernels (``isHostOp(_:)``).
/// Everything else, and `float64` (oneDNN's CPU engine has none), falls back to the reference
/// backend because ``supports(_:_:)`` answers false for it.
///
/// Each op's primitives are created once, for its sizes, and kept in a bounded cache shared by
/// every thread, so a training step repeated with the same shapes creates none.
/// ``setThreadCount(_:)`` sets the OpenMP thread count oneDNN computes with.
///
/// Results follow the reference semantics: where oneDNN's kernels would differ on special
/// values (NaN through `relu`, `exp`, `maximum`, the `max` reduction, max pooling and softmax;
/// subnormals
/// through `log`), the op answers unsupported for that input and the reference backend runs it
/// (see `ExactnessGuard`). Otherwise `exp`, `tanh` and `sigmoid` are within 5 ulps of the
/// reference, and `log` within 4e-6 (relative above 1 in magnitude, absolute below: `log(1)`
/// is -1.4e-6); `relu`, `abs`, `square`, `negate`, `sqrt` and the binary ops are exact.
public final class OneDNNBackend: Backend, SoftmaxKernels, Sendable {
  /// `"onednn"`.
  public let name = "onednn"
  /// Its `scatter_add` (the host kernel) adds in place when handed its base as output.
  public var scatterAddsInPlace: Bool { true }

  /// The OpenMP thread count every op runs with (``setThreadCount(_:)``).
  private let threadSetting: Atomic<Int32>
  let cache: PrimitiveCache
  /// This instance's host kernels (``isHostOp(_:)``), with its own thread setting.
  let hostKernels = ReferenceBackend()
  /// Convolution filters reordered into oneDNN's preferred layout, kept while they live; nil
  /// unless the backend was made with `keepsReorderedFilters` (see ``FilterCache``).
  let filterCache: FilterCache?
  /// The convolutions (op and sizes) oneDNN has no kernel for with the filter in its
  /// preferred layout, so they go straight to the filter's own layout, and those it has no
  /// Winograd kernel for.
  let unavailableConvolutions = Locked<(plainFilter: Set<[Int]>, winograd: Set<[Int]>)>(([], []))
  /// Whether 3×3 convolutions between many channels run on oneDNN's Winograd kernels
  /// (``ConvolutionLayout/prefersWinograd(_:)``).
  public let usesWinograd: Bool
  /// Max-pooling workspaces kept from training forward passes for their gradients.
  let poolingWorkspaces = PoolingWorkspaces(capacity: 8)
  /// Elementwise ops, reductions and softmax with fewer elements than this run on the host
  /// kernels (``smallOpsOnHostBelow``).
  let hostElementsBelow: Int

  /// What the registered instance passes as `smallOpsOnHostBelow`: a oneDNN primitive costs
  /// about 2 µs to launch (binding memory, executing, waiting on the stream), where the host
  /// kernels finish a few thousand elements in a fraction of that. Measured on the MLP at
  /// batch 32, whose bias sums and products are 4 K elements or fewer: `sum` 2.5 against
  /// 0.9 µs, `multiply` 2.4 against 0.3 µs.
  public static let smallOpsOnHostBelow = 1 << 14

  /// Creates the backend, with OpenMP's default thread count (`OMP_NUM_THREADS`, else one per
  /// core) until ``setThreadCount(_:)``, and a cache of `cacheCapacity` plans.
  /// `smallOpsOnHostBelow`: elementwise ops, reductions and softmax on fewer elements run on
  /// the host kernels (``isHostOp(_:)``), which give the reference's bits; 0, the default,
  /// runs every one on oneDNN (what this backend's own tests exercise).
  /// `keepsReorderedFilters`: keep each convolution filter reordered into oneDNN's layout for
  /// as long as its storage lives, so inference with the same weights reorders none. Only for
  /// callers that never write a buffer after passing it to an op, as the framework's tensors
  /// and variables (copy-on-write) guarantee; the registered instance keeps them.
  /// `usesWinograd`: run ungrouped 3×3, stride-1 convolutions between multiples of 16
  /// channels (forward and the filter's gradient) on oneDNN's Winograd kernels, about 1.7×
  /// faster than its direct ones; their results differ from a direct sum by a few times more
  /// rounding (measured 5.9e-7 of the sum of the terms' magnitudes, against 1.6e-7 direct).
  public init(
    cacheCapacity: Int = 512, smallOpsOnHostBelow: Int = 0, keepsReorderedFilters: Bool = false,
    usesWinograd: Bool = true
  ) {
    self.usesWinograd = usesWinograd
    threadSetting = Atomic(Swift.max(1, omp_get_max_threads()))
    cache = PrimitiveCache(capacity: cacheCapacity)
    hostElementsBelow = smallOpsOnHostBelow
    filterCache = keepsReorderedFilters ? FilterCache(capacity: 64) : nil
    hostKernels.setThreadCount(threadCount)
  }

  /// True for `float32` matmul, unary `negate`, `exp`, `log`, `sqrt`, `tanh`, `sigmoid`, `relu`,
  /// `abs`, `square`, binary `add`, `subtract`, `multiply`, `divide`, `maximum`, `minimum`,
  /// reductions `sum`, `max`, `min`, `prod`, `softmax`, `log_softmax`, the convolution family
  /// (`conv2d` and both backward passes), the pooling family (max and average, forward and
  /// backward), the fused dense and convolution kernels, the normalization family (batch and
  /// layer normalization, forward and backward), `activation_gradient`, and the host ops
  /// (``isHostOp(_:)``) on every dtype but `float64`; true for `bfloat16` matmul, `dense` and
  /// the convolution family on a CPU that ``computesBFloat16``; false for every other op and
  /// dtype (oneDNN's CPU engine does not compute in `float64`).
  public func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    if Self.isHostOp(op) { return Self.hostSupports(op, dtype) }
    if dtype == .bfloat16 { return Self.runsInBFloat16(op) }
    guard dtype == .float32 else { return false }
    switch op {
    case .matmul, .add, .subtract, .multiply, .divide, .maximum, .minimum, .sum, .max, .min,
      .prod, .softmax, .logSoftmax, .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter,
      .maxPool2d, .maxPool2dGradient, .avgPool2d, .avgPool2dGradient, .conv2dBiasActivation,
      .dense, .activationGradient, .batchNorm, .batchNormGradient, .layerNorm,
      .layerNormGradient, .lstm, .lstmGradient, .gru, .gruGradient:
      return true
    default:
      return Self.eltwise(op) != nil
    }
  }

  /// True: whether a record runs depends on more than its op and dtype (below).
  public var refinesSupport: Bool { true }

  /// Declines the records oneDNN would run in its slow reference code or not at all:
  /// reductions other than a sum whose reduced axes are not one innermost run
  /// (``ReductionRuns``), binary ops whose broadcast leaves more axes than oneDNN's 12, and
  /// softmax along another axis than the last. Records it cannot read (a missing input or
  /// attribute) are accepted, so that running them reports the error.
  public func supports(_ record: OpRecord) -> Bool {
    switch record.op {
    case .sum, .max, .min, .prod:
      guard let x = record.inputs.first, case .ints(let axes)? = record.attributes[.axes] else {
        return true
      }
      return ReductionRuns(x.shape, axes: axes)?.runsFast(record.op) ?? false
    case .add, .subtract, .multiply, .divide, .maximum, .minimum:
      guard let out = record.outputs.first, out.shape.rank > Int(DNNL_MAX_NDIMS),
        record.inputs.count == 2
      else { return true }
      guard let layout = BinaryLayout(record.inputs[0].shape, record.inputs[1].shape, out.shape)
      else { return true }
      return layout.rank <= Int(DNNL_MAX_NDIMS)
    case .softmax, .logSoftmax:
      guard let x = record.inputs.first, case .int(let axis)? = record.attributes[.axis] else {
        return true
      }
      return axis == Swift.max(x.shape.rank - 1, 0)
    default:
      return true
    }
  }

  /// Sets the threads ops may use (at least 1): above 1, large convolutions, products,
  /// poolings and elementwise ops run in parts on ``WorkerPool/shared`` (one part per core,
  /// whatever the count, so results never depend on it); at 1 the parts run one after another
  /// on the calling thread. Every primitive runs on one OpenMP thread
  /// (``parallelElementsFrom`` says why).
  public func setThreadCount(_ count: Int) {
    threadSetting.store(Int32(clamping: Swift.max(1, count)), ordering: .relaxed)
    hostKernels.setThreadCount(count)
  }

  /// The thread setting (``setThreadCount(_:)``).
  public var threadCount: Int { Int(threadSetting.load(ordering: .relaxed)) }

  /// The number of oneDNN primitives this backend has created: a repeated op adds none.
  package var primitivesCreated: Int { cache.primitivesCreated }

  /// oneDNN's names for the kernels its cached primitives run (`brg:avx512_core`, `jit:uni`;
  /// `ref:any` is oneDNN's slow reference code).
  package var implementations: Set<String> { cache.implementations }

  /// The number of convolution filters reordered into oneDNN's preferred layout: running the
  /// same weights again (inference) reorders none.
  package var filterReorderCount: Int { filterCache?.reorderCount ?? 0 }

  /// The number of max-pooling workspaces kept from training forward passes, waiting for
  /// their gradients.
  package var keptPoolingWorkspaces: Int { poolingWorkspaces.count }

  /// The number of plans (an op's primitives for one set of sizes) the cache holds.
  package var cachedPlanCount: Int { cache.count }

  /// OpenMP's thread count on the calling thread: what the next op run here uses, once it has
  /// applied ``threadCount``.
  package static var openMPThreadCountOfThisThread: Int { Int(omp_get_max_threads()) }

  /// Runs a record: host ops and small elementwise ones on the host kernels, each family
  /// directly (the default would find it by a dynamic cast on every call), everything else as
  /// the protocol's default does.
  public func execute(_ record: OpRecord) throws -> ExecutionStatus {
    if record.op == .adamUpdate {
      // The optimizer family directly (``adamUpdate(variable:gradient:m:v:_:)`` picks the
      // kernel); its record checks are the family's.
      try executeOptimizerUpdate(record)
      return .done
    }
    if Self.isHostOp(record.op) || runsOnHost(record) {
      return try hostKernels.execute(record)
    }
    do {
      switch record.op {
      case .softmax, .logSoftmax: try executeSoftmax(record)
      case .dense: try executeDense(record)
      case .conv2dBiasActivation: try executeFusedConvolution(record)
      case .activationGradient: try executeActivationGradient(record)
      case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter: try executeConvolution(record)
      case .maxPool2d where record.attributes[.training] == .bool(true):
        try maxPool2dKeepingWorkspace(
          record.input(0), Pooling2D(record: record), record.output())
      case .maxPool2d, .maxPool2dGradient, .avgPool2d, .avgPool2dGradient:
        try executePooling(record)
      case .batchNorm, .batchNormGradient, .layerNorm, .layerNormGradient:
        try executeNormalization(record)
      case .lstm, .lstmGradient, .gru, .gruGradient: try executeRecurrent(record)
      default: return try executeByFamily(record)
      }
      return .done
    } catch is UnsupportedOp {
      return .unsupported
    }
  }

  /// Whether `record` is an elementwise op, reduction or softmax small enough for the host
  /// kernels (``smallOpsOnHostBelow``).
  private func runsOnHost(_ record: OpRecord) -> Bool {
    guard hostElementsBelow > 0, let x = record.inputs.first, x.dtype == .float32 else {
      return false
    }
    switch record.op.family {
    case .unary, .binary, .reduction: break
    default:
      guard record.op == .softmax || record.op == .logSoftmax else { return false }
    }
    let largest = record.inputs.count > 1 ? Swift.max(x.count, record.inputs[1].count) : x.count
    return largest < hostElementsBelow && (record.outputs.first?.count ?? 0) < hostElementsBelow
  }

  /// Elementwise ops (binary ones along their first axis, unless the first operand must be
  /// broadcast), softmax, poolings and sums over leading axes of at least this many elements
  /// are cut into one part per core, each a single-threaded primitive, run on
  /// ``WorkerPool/shared``; smaller ones, and other reductions of any size, run on the calling
  /// thread alone.
  ///
  /// No op runs on an OpenMP team: after each parallel region libgomp's workers spin (300 000
  /// rounds by default, milliseconds), and that spinning worker takes the core the worker
  /// pool's parts (convolutions, products, the host kernels) need. Measured: the CNN epoch at
  /// 13.0 s with teams for its large poolings, sums and products, 9.0 s once libgomp was told
  /// not to spin (`OMP_WAIT_POLICY=passive`, which a library cannot set for its host process);
  /// and a tiny training step at 4.3 ms instead of 60 µs with another process on the cores.
  public static let parallelElementsFrom = 1 << 16

  /// The parts an op of `elements` elements is cut into: one per core from
  /// ``parallelElementsFrom`` on. It depends on the machine, never on the thread setting, so
  /// results do not either.
  static func parts(forElements elements: Int) -> Int {
    elements >= parallelElementsFrom ? WorkerPool.shared.workerCount + 1 : 1
  }

  /// `count` elements cut into `parts` runs that start on a multiple of 16 elements (one
  /// 64-byte line), all of one length but the last.
  static func elementRuns(_ count: Int, parts: Int) -> [(lower: Int, upper: Int)] {
    let length = (count + parts - 1) / parts
    let aligned = Swift.max(16, (length + 15) / 16 * 16)
    return stride(from: 0, to: count, by: aligned).map { ($0, Swift.min(count, $0 + aligned)) }
  }

  /// The cached plan for `key`, made by `make` on a miss, run on `operands` on this thread.
  func run(
    _ op: OpCode, variant: Int, sizes: [Int], _ operands: [UnsafeMutableRawPointer],
    make: () throws -> PrimitivePlan
  ) throws {
    try plan(op, variant: variant, sizes: sizes, make: make).run(operands, op: op)
  }

  /// The cached plan for `key`, made by `make` on a miss.
  func plan(
    _ op: OpCode, variant: Int, sizes: [Int],
    make: () throws -> PrimitivePlan
  ) throws -> PrimitivePlan {
    let key = PrimitiveKey(op: op, variant: variant, sizes: sizes)
    return try cache.plan(key) {
      // Created for one OpenMP thread, whatever this thread's OpenMP count was.
      useOneOpenMPThread()
      return try make()
    }
  }

  /// Runs `body(part)` for every part, on ``WorkerPool/shared`` when the thread setting allows
  /// more than one thread, else one after another on this thread; parts must touch disjoint
  /// memory. Throws the first part's error, after every part has run.
  func runParts(_ count: Int, _ body: (Int) throws -> Void) throws {
    guard count > 1, threadCount > 1 else {
      for part in 0..<count { try body(part) }
      return
    }
    var failures = [(any Error)?](repeating: nil, count: count)
    failures.withUnsafeMutableBufferPointer { buffer in
      // A copy of the pointer, which the closure may capture (the parameter is inout).
      let slots = buffer
      WorkerPool.shared.run(count) { part in
        do { try body(part) } catch { slots[part] = error }
      }
    }
    if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
  }

  /// Checks that every operand is `float32` and that its storage holds its shape, so that no
  /// descriptor built from a shape ever reaches past a buffer.
  func checkOperands(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws {
    try checkOperand(op, x)
    try checkOperand(op, out)
  }

  /// ``checkOperands(_:_:_:)`` for ops of two inputs. (Not variadic: that would build an
  /// array on every op.)
  func checkOperands(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer)
    throws
  {
    try checkOperand(op, a)
    try checkOperand(op, b)
    try checkOperand(op, out)
  }

  /// Checks that `buffer` is of `dtype` (`float32` unless said) and that its storage holds its
  /// shape.
  func checkOperand(_ op: OpCode, _ buffer: TensorBuffer, _ dtype: DType = .float32) throws {
    guard buffer.dtype == dtype else {
      throw PlexusError.dtypeMismatch(
        context: "\(op) on onednn", expected: "\(dtype) operands", received: "\(buffer.dtype)")
    }
    let (bytes, overflow) = buffer.count.multipliedReportingOverflow(by: dtype.byteSize)
    guard buffer.shape.isValid, !overflow, bytes <= buffer.storage.byteCount else {
      throw PlexusError.invalidArgument(
        context: "\(op) on onednn",
        message: "a buffer of \(buffer.storage.byteCount) bytes cannot hold \(dtype) "
          + "\(buffer.shape)")
    }
  }
}
