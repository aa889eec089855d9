import BackendProtocol
import CBLAS

/// Matrix products through OpenBLAS (placeholder).
public final class OpenBLASBackend: Backend, @unchecked Sendable {
  public let name = "openblas"
  public init() {}
  public func supports(_ op: OpCode, _ dtype: DType) -> Bool { false }
  public func copy(_ x: TensorBuffer, _ out: TensorBuffer) throws { throw todo(.copy) }
  public func fill(_ value: Double, _ out: TensorBuffer) throws { throw todo(.fill) }
  public func iota(start: Double, step: Double, _ out: TensorBuffer) throws { throw todo(.iota) }
  public func cast(_ x: TensorBuffer, _ out: TensorBuffer) throws { throw todo(.cast) }
  public func unary(_ op: OpCode, _ x: TensorBuffer, _ out: TensorBuffer) throws { throw todo(op) }
  public func binary(_ op: OpCode, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer)
    throws
  { throw todo(op) }
  public func select(
    _ condition: TensorBuffer, _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer
  ) throws { throw todo(.select) }
  public func reduce(_ op: OpCode, _ x: TensorBuffer, axes: [Int], _ out: TensorBuffer) throws {
    throw todo(op)
  }
  public func transpose(_ x: TensorBuffer, permutation: [Int], _ out: TensorBuffer) throws {
    throw todo(.transpose)
  }
  public func concat(_ inputs: [TensorBuffer], axis: Int, _ out: TensorBuffer) throws {
    throw todo(.concat)
  }
  public func slice(_ x: TensorBuffer, starts: [Int], _ out: TensorBuffer) throws {
    throw todo(.slice)
  }
  public func gather(_ x: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer)
    throws
  { throw todo(.gather) }
  public func scatterAdd(
    _ updates: TensorBuffer, _ indices: TensorBuffer, axis: Int, _ out: TensorBuffer
  ) throws { throw todo(.scatterAdd) }
  public func pad(_ x: TensorBuffer, before: [Int], value: Double, _ out: TensorBuffer) throws {
    throw todo(.pad)
  }
  public func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws { throw todo(.matmul) }

  private func todo(_ op: OpCode) -> PlexusError {
    .unsupported(op: op.description, dtype: .float32, backend: name)
  }
}
