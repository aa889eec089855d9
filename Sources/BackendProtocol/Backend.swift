/// The contract every backend fulfils: a small, enum-coded set of primitives.
///
/// The dispatcher in the frontend validates every argument, works out the output shape and
/// dtype, allocates the output, and only then calls the backend, which writes into `out`.
/// A backend therefore never sees ill-formed shapes; it throws only for what it alone can know
/// (an index out of range inside `gather`, say). It must never trap.
///
/// Conventions that hold for every method:
/// - Buffers are row-major and contiguous. `out` is freshly allocated, uninitialised unless the
///   method says otherwise, and aliases no input.
/// - Binary inputs have the same dtype; shapes broadcast the NumPy way and `out.shape` is the
///   broadcast shape. Comparisons and logical ops write `bool`.
/// - A backend is asked to run an op only when `supports(op, dtype)` is true for the dtype of
///   its first input; everything else runs on the reference backend.
public protocol Backend: AnyObject, Sendable {
  /// The name users select it by (`"reference"`, `"openblas"`).
  var name: String { get }

  /// Whether this backend implements `op` for inputs of `dtype`.
  func supports(_ op: OpCode, _ dtype: DType) -> Bool

  /// Applies the framework's one thread setting.
  func setThreadCount(_ count: Int)

  /// Allocates an uninitialised buffer this backend can compute on.
  func allocate(_ dtype: DType, _ shape: Shape) -> TensorBuffer

  /// `out = x`, element for element (same dtype and shape).
  func copy(_ x: TensorBuffer, _ out: TensorBuffer) throws
  /// Sets every element of `out` to `value`, converted to `out.dtype`.
  func fill(_ value: Double, _ out: TensorBuffer) throws
  /// `out[i] = start + i * step` over the flattened elements.
  func iota(start: Double, step: Double, _ out: TensorBuffer) throws
  /// Converts `x` to `out.dtype`: floats to integers truncate toward zero, anything non-zero
  /// becomes `true`, `bool` becomes 0 or 1.
  func cast(_ x: TensorBuffer, _ out: TensorBuffer) throws

  /// Elementwise unary op (family `.unary`); `out` has `x`'s shape.
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

  /// Batched matrix product over the last two axes. `a` is `[..., M, K]` (`[..., K, M]` when
  /// `transposeA`), `b` is `[..., K, N]` (`[..., N, K]` when `transposeB`); batch axes are
  /// equal, or one side has none and is reused for every batch. `out` is `[..., M, N]`.
  func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws
}

extension Backend {
  public func setThreadCount(_ count: Int) {}

  public func allocate(_ dtype: DType, _ shape: Shape) -> TensorBuffer {
    TensorBuffer(dtype: dtype, shape: shape)
  }
}
