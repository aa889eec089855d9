import BackendProtocol
import CBLAS
import Synchronization

/// Matrix products through OpenBLAS's CBLAS (`cblas_sgemm`, `cblas_dgemm`) and convolutions as
/// im2col + `sgemm` (``ConvolutionKernels``); everything else runs on the reference backend,
/// because ``supports(_:_:)`` answers false for it.
public final class OpenBLASBackend: Backend, Sendable {
  /// `"openblas"`.
  public let name = "openblas"

  /// Products below this many multiply-adds run on one thread: waking OpenBLAS's pool costs
  /// more than it saves there (a batch-32 MLP step is all such products).
  public static let singleThreadBelow = 1 << 23

  /// The thread count set through ``setThreadCount(_:)`` (0: OpenBLAS's own default).
  private let configuredThreads = Atomic<Int>(0)
  /// The thread count set through ``setThreadCount(_:)`` (OpenBLAS's own default until then).
  var threadCount: Int { Swift.max(1, configuredThreads.load(ordering: .relaxed)) }
  /// The count last handed to OpenBLAS, so it is only called on a change.
  private let appliedThreads = Atomic<Int>(0)
  /// OpenBLAS's thread count is process-wide: changing it while another thread is inside
  /// `sgemm` is unsafe, so every product and every change holds this lock.
  static let lock = Mutex(())

  /// Creates the backend; OpenBLAS keeps its own thread setting until ``setThreadCount(_:)``.
  public init() {
    let initial = Int(openblas_get_num_threads())
    configuredThreads.store(initial, ordering: .relaxed)
    appliedThreads.store(initial, ordering: .relaxed)
  }

  /// True for `matmul` on `float32` and `float64`, and for the convolution family on
  /// `float32`.
  public func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    switch op {
    case .matmul: dtype == .float32 || dtype == .float64
    case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .conv2dBiasActivation:
      dtype == .float32
    default: false
    }
  }

  /// Sets OpenBLAS's process-wide thread count (`openblas_set_num_threads`).
  public func setThreadCount(_ count: Int) {
    configuredThreads.store(Swift.max(1, count), ordering: .relaxed)
    Self.lock.withLock { _ in apply(threads: Swift.max(1, count)) }
  }

  func apply(threads: Int) {
    if appliedThreads.exchange(threads, ordering: .relaxed) != threads {
      openblas_set_num_threads(Int32(clamping: threads))
    }
  }

  /// Batched matrix product over the last two axes, one `gemm` call per batch; a side without
  /// batch axes is reused for every batch.
  ///
  /// Small products, where waking OpenBLAS's own pool costs more than it saves, run as one
  /// single-threaded `gemm` per part of the output on ``WorkerPool/shared``; products too
  /// small even for that run on the calling thread alone.
  public func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws {
    let geometry = try MatmulGeometry(a, b, transposeA: transposeA, transposeB: transposeB, out)
    guard geometry.m * geometry.n > 0 else { return }
    guard a.dtype == .float32 || a.dtype == .float64 else { throw unsupported(.matmul, a.dtype) }
    let (mn, overflowMN) = geometry.m.multipliedReportingOverflow(by: geometry.n)
    let (work, overflowWork) = mn.multipliedReportingOverflow(by: geometry.k)
    let small = !overflowMN && !overflowWork && work < Self.singleThreadBelow
    let configured = configuredThreads.load(ordering: .relaxed)
    let parts =
      small && work >= Self.splitFrom
      ? Swift.min(configured, WorkerPool.shared.workerCount + 1) : 1
    let plan = GemmPlan(
      geometry, transposeA: transposeA, transposeB: transposeB,
      parts: Swift.max(1, parts))
    Self.lock.withLock { _ in
      apply(threads: small ? 1 : configured)
      if a.dtype == .float32 {
        let (x, y, z) = (a.pointer(Float.self), b.pointer(Float.self), out.pointer(Float.self))
        plan.run { batch, block in
          cblas_sgemm(
            CblasRowMajor, plan.transA, plan.transB, block.m, block.n, plan.k, 1,
            x + batch * plan.aStride + block.aOffset, plan.lda,
            y + batch * plan.bStride + block.bOffset, plan.ldb, 0,
            z + batch * plan.cStride + block.cOffset, plan.ldc)
        }
      } else {
        let (x, y, z) = (a.pointer(Double.self), b.pointer(Double.self), out.pointer(Double.self))
        plan.run { batch, block in
          cblas_dgemm(
            CblasRowMajor, plan.transA, plan.transB, block.m, block.n, plan.k, 1,
            x + batch * plan.aStride + block.aOffset, plan.lda,
            y + batch * plan.bStride + block.bOffset, plan.ldb, 0,
            z + batch * plan.cStride + block.cOffset, plan.ldc)
        }
      }
    }
  }

  /// Products from this many multiply-adds up to ``singleThreadBelow`` are split across the
  /// worker pool (below it, the hand-off costs more than half the product).
  public static let splitFrom = 1 << 16

  // Everything else is left to the protocol's defaults, which report it unsupported, so the
  // dispatcher runs it on the reference backend.

  private func unsupported(_ op: OpCode, _ dtype: DType) -> PlexusError {
    .unsupported(op: op.description, dtype: dtype, backend: name)
  }
}
