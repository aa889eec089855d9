import BackendProtocol
import Glibc
import Synchronization

/// The pure-Swift backend: every primitive for every dtype Plexus uses, plus the softmax and
/// optimizer kernel families. It is always registered, and it is the fallback that runs what
/// other backends do not support.
///
/// Kernels are pointer loops the compiler vectorises; work above about 64K elements is split
/// across ``setThreadCount(_:)`` threads. `float32` matrix products use a packed, cache-blocked
/// SIMD kernel.
public final class ReferenceBackend: Backend, SoftmaxKernels, OptimizerKernels,
  CrossEntropyKernels, Sendable
{
  /// `"reference"`.
  public let name = "reference"
  /// Its `scatter_add` (the host kernel) adds in place when handed its base as output.
  public var scatterAddsInPlace: Bool { true }

  private let threadSetting: Atomic<Int>

  /// Creates the backend using one thread per active processor.
  public init() {
    threadSetting = Atomic(Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
  }

  /// Sets the number of threads kernels may use (at least 1).
  public func setThreadCount(_ count: Int) {
    threadSetting.store(Swift.max(1, count), ordering: .relaxed)
  }

  /// The number of threads kernels may use.
  public var threadCount: Int { threadSetting.load(ordering: .relaxed) }

  var parallel: Parallel { Parallel(threads: threadCount) }

  /// Whether this backend implements `op` for inputs of `dtype` (for `select`, the dtype of
  /// `a`; for `cast`, the source dtype).
  public func supports(_ op: OpCode, _ dtype: DType) -> Bool {
    switch dtype {
    case .float32, .float64:
      op != .logicalNot && op != .logicalAnd && op != .logicalOr && !Self.isComposedFamily(op)
    case .int32, .int64: Self.isIntegerOp(op) || op == .oneHot
    case .uint8: Self.isByteOp(op) || op == .oneHot
    case .bool:
      Self.isByteOp(op) || op == .logicalAnd || op == .logicalOr || op == .logicalNot
        || op == .oneHot
    // bfloat16 is stored and converted here; other ops run in float32 between casts (the
    // dispatcher arranges it).
    case .bfloat16: op == .cast || op == .copy
    }
  }

  // Switches rather than sets: the dispatcher asks before every op, and a switch is a table
  // lookup where a set would hash.

  /// The kernel families this backend leaves to the frontend's composites (convolution,
  /// pooling, fused dense, normalization, recurrent): the composites are the oracle other backends are held to, so they stay the one
  /// implementation here.
  private static func isComposedFamily(_ op: OpCode) -> Bool {
    switch op {
    case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .conv2dBiasActivation, .maxPool2d,
      .maxPool2dGradient, .avgPool2d, .avgPool2dGradient, .dense, .batchNorm, .batchNormGradient,
      .layerNorm, .layerNormGradient, .lstm, .lstmGradient, .gru,
      .gruGradient:
      true
    default: false
    }
  }
  private static func isByteOp(_ op: OpCode) -> Bool {
    switch op {
    case .copy, .fill, .cast, .equal, .notEqual, .select, .transpose, .concat, .slice, .gather,
      .pad:
      true
    default: false
    }
  }

  private static func isIntegerOp(_ op: OpCode) -> Bool {
    switch op {
    case .copy, .fill, .iota, .cast, .negate, .abs, .sign, .square, .add, .subtract, .multiply,
      .divide, .maximum, .minimum, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual,
      .select, .sum, .max, .min, .prod, .argmax, .argmin, .transpose, .concat, .slice, .gather,
      .scatterAdd, .pad:
      true
    default: false
    }
  }

  /// Runs a record: the kernel families directly (the default would find them by a dynamic
  /// cast on every call), everything else as the protocol's default does.
  public func execute(_ record: OpRecord) throws -> ExecutionStatus {
    do {
      switch record.op {
      case .softmax, .logSoftmax: try executeSoftmax(record)
      case .sgdUpdate, .adamUpdate: try executeOptimizerUpdate(record)
      case .sparseSoftmaxCrossEntropy, .sparseSoftmaxCrossEntropyGradient:
        try executeCrossEntropy(record)
      default: return try executeByFamily(record)
      }
      return .done
    } catch is UnsupportedOp {
      return .unsupported
    }
  }

  /// The error for an op and dtype this backend does not implement.
  func unsupported(_ op: OpCode, _ dtype: DType) -> PlexusError {
    .unsupported(op: op.description, dtype: dtype, backend: name)
  }
}
