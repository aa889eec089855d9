import BackendProtocol
import CDNNL
import Synchronization

/// `float32` kernels through oneDNN's primitives (Debian's libdnnl 2.6, its 2.x C API): batched
/// matrix products, elementwise unary and binary ops with NumPy broadcasting, reductions, and
/// softmax / log-softmax on the last axis. Everything else, and every other dtype (oneDNN's CPU
/// engine has no `float64`), falls back to the reference backend because ``supports(_:_:)``
/// answers false for it.
///
/// Each op's primitives are created once, for its sizes, and kept in a bounded cache shared by
/// every thread, so a training step repeated with the same shapes creates none.
/// ``setThreadCount(_:)`` sets the OpenMP thread count oneDNN computes with.
///
/// Results follow the reference semantics: where oneDNN's kernels would differ on special
/// values (NaN through `relu`, `exp`, `maximum`, the `max` reduction and softmax; subnormals
/// through `log`), the op answers unsupported for that input and the reference backend runs it
/// (see `ExactnessGuard`). Otherwise `exp`, `tanh` and `sigmoid` are within 5 ulps of the
/// reference, and `log` within 4e-6 (relative above 1 in magnitude, absolute below: `log(1)`
/// is -1.4e-6); `relu`, `abs`, `square`, `negate`, `sqrt` and the binary ops are exact.
public final class OneDNNBackend: Backend, SoftmaxKernels, Sendable {
  /// `"onednn"`.
  public let name = "onednn"

  /// The OpenMP thread count every op runs with (``setThreadCount(_:)``).
  private let threadSetting: Atomic<Int32>
  let cache: PrimitiveCache

  /// Creates the backend, with OpenMP's default thread count (`OMP_NUM_THREADS`, else one per
  /// core) until ``setThreadCount(_:)``, and a cache of `cacheCapacity` plans.
  public init(cacheCapacity: Int = 512) {
    threadSetting = Atomic(Swift.max(1, omp_get_max_threads()))
    cache = PrimitiveCache(capacity: cacheCapacity)
  }

  /// True for `float32` matmul, unary `negate`, `exp`, `log`, `sqrt`, `tanh`, `sigmoid`, `relu`,
  /// `abs`, `square`, binary `add`, `subtract`, `multiply`, `divide`, `maximum`, `minimum`,
  /// reductions `sum`, `max`, `min`, `prod`, and `softmax`, `log_softmax`; false for every
  /// other op and dtype (oneDNN's CPU engine does not compute in `float64`).
  public func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    guard dtype == .float32 else { return false }
    switch op {
    case .matmul, .add, .subtract, .multiply, .divide, .maximum, .minimum, .sum, .max, .min,
      .prod, .softmax, .logSoftmax:
      return true
    default:
      return Self.eltwise(op) != nil
    }
  }

  /// Sets the OpenMP thread count oneDNN's primitives run with (at least 1). OpenMP keeps the
  /// count per thread, so it is applied on whichever thread runs the next op.
  public func setThreadCount(_ count: Int) {
    threadSetting.store(Int32(clamping: Swift.max(1, count)), ordering: .relaxed)
  }

  /// The OpenMP thread count ops run with.
  public var threadCount: Int { Int(threadSetting.load(ordering: .relaxed)) }

  /// The number of oneDNN primitives this backend has created: a repeated op adds none.
  package var primitivesCreated: Int { cache.primitivesCreated }

  /// The number of plans (an op's primitives for one set of sizes) the cache holds.
  package var cachedPlanCount: Int { cache.count }

  /// OpenMP's thread count on the calling thread: what the next op run here uses, once it has
  /// applied ``threadCount``.
  package static var openMPThreadCountOfThisThread: Int { Int(omp_get_max_threads()) }

  /// Runs a record: softmax directly (the default would find the family by a dynamic cast on
  /// every call), everything else as the protocol's default does.
  public func execute(_ record: OpRecord) throws -> ExecutionStatus {
    do {
      switch record.op {
      case .softmax, .logSoftmax: try executeSoftmax(record)
      default: return try executeByFamily(record)
      }
      return .done
    } catch is UnsupportedOp {
      return .unsupported
    }
  }

  /// The cached plan for `key`, made by `make` on a miss, run on `operands`.
  func run(
    _ op: OpCode, variant: Int, sizes: [Int], _ operands: [UnsafeMutableRawPointer],
    make: () throws -> PrimitivePlan
  ) throws {
    let threads = threadSetting.load(ordering: .relaxed)
    let key = PrimitiveKey(op: op, variant: variant, threads: threads, sizes: sizes)
    try cache.plan(key, make).run(operands, op: op, threads: threads)
  }

  /// Checks that every operand is `float32` and that its storage holds its shape, so that no
  /// descriptor built from a shape ever reaches past a buffer.
  func checkOperands(_ op: OpCode, _ buffers: TensorBuffer...) throws {
    for buffer in buffers {
      guard buffer.dtype == .float32 else {
        throw PlexusError.dtypeMismatch(
          context: "\(op) on onednn", expected: "float32 operands", received: "\(buffer.dtype)")
      }
      let (bytes, overflow) = buffer.count.multipliedReportingOverflow(by: 4)
      guard buffer.shape.isValid, !overflow, bytes <= buffer.storage.byteCount else {
        throw PlexusError.invalidArgument(
          context: "\(op) on onednn",
          message: "a buffer of \(buffer.storage.byteCount) bytes cannot hold float32 "
            + "\(buffer.shape)")
      }
    }
  }
}
