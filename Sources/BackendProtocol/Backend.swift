/// The contract every backend fulfils: ops arrive as ``OpRecord`` values through
/// ``execute(_:)``, after ``supports(_:_:)`` (and, when ``refinesSupport``, ``supports(_:)``)
/// said yes.
///
/// The frontend's ops validate their arguments and work out the output shapes and dtypes, and
/// the dispatcher allocates the outputs before it calls the backend. A record can also come
/// from elsewhere (a plugin host, the C ABI), so a backend still checks what it relies on before
/// it reads or writes (the default ``execute(_:)`` does, for the records it decodes) and throws
/// for what it alone can know (an index out of range inside `gather`, say). It must never trap.
///
/// A backend may implement ``execute(_:)`` itself (a plugin does), or let the default
/// implementation decode the record and call the typed methods below, one per op family. Every
/// typed method has a default that reports the op unsupported, so a partial backend writes only
/// what it runs; whatever it does not run falls back to the reference backend.
///
/// Conventions that hold for every typed method:
/// - Buffers are row-major and contiguous. `out` is freshly allocated, uninitialised unless the
///   method says otherwise, and aliases no input (but see ``scatterAddsInPlace``).
/// - Binary inputs have the same dtype; shapes broadcast the NumPy way and `out.shape` is the
///   broadcast shape. Comparisons and logical ops write `bool`.
public protocol Backend: AnyObject, Sendable {
  /// The name users select it by (`"reference"`, `"openblas"`).
  var name: String { get }

  /// Whether this backend implements `op` for inputs of `dtype` (``OpRecord/dtype``). The
  /// dispatcher asks once per op and dtype and caches the answer; the default is false.
  func supports(_ op: OpCode, _ dtype: DType) -> Bool

  /// Whether ``supports(_:)`` must be asked for every record (because the answer depends on
  /// attributes or on the dtypes of later inputs). False by default: the cached answer of
  /// ``supports(_:_:)`` decides alone.
  var refinesSupport: Bool { get }

  /// Whether `scatter_add` may be handed its base's own memory as its output, adding the
  /// updates in place (a compiled step does, when the base is a buffer nothing reads again).
  /// False by default: outputs never alias inputs. The built-in backends say true: they run
  /// `scatter_add` through the protocol's default `execute`, which skips the base copy when
  /// the two coincide.
  var scatterAddsInPlace: Bool { get }

  /// Whether this backend runs this very record: every input dtype and the attributes, so a
  /// backend can decline a stride or a dtype pair. Asked only when ``refinesSupport`` is true
  /// and ``supports(_:_:)`` said yes; the default is true.
  func supports(_ record: OpRecord) -> Bool

  /// Runs `record`, writing its outputs (or, for in-place ops, its updated inputs). Returns
  /// ``ExecutionStatus/unsupported`` when it turns out it cannot, and the dispatcher falls back.
  /// The default decodes the record and calls the typed method of its family.
  func execute(_ record: OpRecord) throws -> ExecutionStatus

  /// Applies the framework's one thread setting.
  func setThreadCount(_ count: Int)

  /// Allocates an uninitialised buffer this backend can compute on; throws when the memory
  /// cannot be had.
  func allocate(_ dtype: DType, _ shape: Shape) throws -> TensorBuffer

  /// `out = x`, element for element (same dtype and shape).
  func copy(_ x: TensorBuffer, _ out: TensorBuffer) throws
  /// Sets every element of `out` to `value`, converted to `out.dtype`.
  func fill(_ value: Double, _ out: TensorBuffer) throws
  /// `out[i] = start + i * step` over the flattened elements.
  func iota(start: Double, step: Double, _ out: TensorBuffer) throws
  /// Converts `x` to `out.dtype`: floats to integers truncate toward zero, anything non-zero
  /// becomes `true`, `bool` becomes 0 or 1.
  func cast(_ x: TensorBuffer, _ out: TensorBuffer) throws

  /// Elementwise unary op (family `.unary`); `out` has `x`'s shape. NaN propagates.
  func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws
  /// Elementwise binary op with broadcasting (family `.binary`).
  func binary(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer) throws
  /// `out = condition ? a : b`, all three broadcast; `condition` is `bool`.
  func select(
    _ condition: TensorBuffer, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer
  ) throws

  /// Reduces over `axes` (sorted, unique, non-empty), which are removed from `out.shape`.
  /// `argmax` and `argmin` take exactly one axis and write `int32`.
  func reduce(_ op: OpCode, _ x: TensorBuffer, axes: [Int], _ out: TensorBuffer) throws

  /// `out.shape[i] = x.shape[permutation[i]]`.
  func transpose(_ x: TensorBuffer, permutation: [Int], _ out: TensorBuffer) throws
  /// Joins `inputs` along `axis`.
  func concat(_ inputs: [TensorBuffer], axis: Int, _ out: TensorBuffer) throws
  /// Copies the box that starts at `starts` and has `out.shape`'s sizes.
  func slice(_ x: TensorBuffer, starts: [Int], _ out: TensorBuffer) throws
  /// Takes slices of `x` along `axis` at `indices` (`int32` or `int64`);
  /// `out.shape = x.shape[..<axis] + indices.shape + x.shape[(axis+1)...]`.
  /// Throws when an index is outside `0..<x.shape[axis]`.
  func gather(_ x: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer) throws
  /// Adds `updates` into `out` (already initialised) at `indices` along `axis`, summing
  /// duplicates; the inverse shape rule of `gather`. Throws on an index out of range.
  func scatterAdd(
    _ updates: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer
  ) throws
  /// Pads `x` with `value`: `before[i]` elements ahead on axis `i`, the rest of `out.shape[i]`
  /// after.
  func pad(_ x: TensorBuffer, before: [Int], value: Double, _ out: TensorBuffer) throws
  /// `out[..., j] = indices[...] == j` in `out.dtype`; throws when an index is outside
  /// `0..<out.shape.last`.
  func oneHot(_ indices: TensorBuffer, _ out: TensorBuffer) throws

  /// Batched matrix product over the last two axes. `a` is `[..., M, K]` (`[..., K, M]` when
  /// `transposeA`), `b` is `[..., K, N]` (`[..., N, K]` when `transposeB`); batch axes are
  /// equal, or one side has none and is reused for every batch. `out` is `[..., M, N]`.
  func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws

  /// Fills `out` from the Philox stream keyed by `key`, starting at block `offset`: element `i`
  /// of `randomUniform` and `randomNormal` uses word `i`, so results do not depend on the
  /// backend or the thread count (see ``RandomDraw``).
  func random(_ draw: RandomDraw, _ out: TensorBuffer) throws
}

extension Backend {
  public func supports(_ op: OpCode, _ dtype: DType) -> Bool { false }
  public var refinesSupport: Bool { false }
  public var scatterAddsInPlace: Bool { false }
  public func supports(_ record: OpRecord) -> Bool { true }

  public func setThreadCount(_ count: Int) {}

  public func allocate(_ dtype: DType, _ shape: Shape) throws -> TensorBuffer {
    try TensorBuffer.allocate(dtype, shape)
  }

  public func copy(_ x: TensorBuffer, _ out: TensorBuffer) throws { throw UnsupportedOp(.copy) }
  public func fill(_ value: Double, _ out: TensorBuffer) throws { throw UnsupportedOp(.fill) }
  public func iota(start: Double, step: Double, _ out: TensorBuffer) throws {
    throw UnsupportedOp(.iota)
  }
  public func cast(_ x: TensorBuffer, _ out: TensorBuffer) throws { throw UnsupportedOp(.cast) }
  public func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws {
    throw UnsupportedOp(op)
  }
  public func binary(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer)
    throws
  { throw UnsupportedOp(op) }
  public func select(
    _ condition: TensorBuffer, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer
  ) throws { throw UnsupportedOp(.select) }
  public func reduce(_ op: OpCode, _ x: TensorBuffer, axes: [Int], _ out: TensorBuffer) throws {
    throw UnsupportedOp(op)
  }
  public func transpose(_ x: TensorBuffer, permutation: [Int], _ out: TensorBuffer) throws {
    throw UnsupportedOp(.transpose)
  }
  public func concat(_ inputs: [TensorBuffer], axis: Int, _ out: TensorBuffer) throws {
    throw UnsupportedOp(.concat)
  }
  public func slice(_ x: TensorBuffer, starts: [Int], _ out: TensorBuffer) throws {
    throw UnsupportedOp(.slice)
  }
  public func gather(_ x: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer)
    throws
  { throw UnsupportedOp(.gather) }
  public func scatterAdd(
    _ updates: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer
  ) throws { throw UnsupportedOp(.scatterAdd) }
  public func pad(_ x: TensorBuffer, before: [Int], value: Double, _ out: TensorBuffer) throws {
    throw UnsupportedOp(.pad)
  }
  public func oneHot(_ indices: TensorBuffer, _ out: TensorBuffer) throws {
    throw UnsupportedOp(.oneHot)
  }
  public func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws { throw UnsupportedOp(.matmul) }
  public func random(_ draw: RandomDraw, _ out: TensorBuffer) throws {
    throw UnsupportedOp(draw.op)
  }
}
