import BackendProtocol

extension ReferenceBackend {
  /// Batched matrix product over the last two axes: `a` is `[..., M, K]` (`[..., K, M]` when
  /// `transposeA`), `b` is `[..., K, N]` (`[..., N, K]` when `transposeB`), `out` is
  /// `[..., M, N]`. A side without batch axes is reused for every batch.
  public func matmul(
    _ a: TensorBuffer, _ b: TensorBuffer, transposeA: Bool, transposeB: Bool,
    _ out: TensorBuffer
  ) throws {
    let shape = try MatmulGeometry(a, b, transposeA: transposeA, transposeB: transposeB, out)
    switch a.dtype {
    case .float32:
      try product(a, b, out, shape, Float.self) { x, y, z in
        if shape.m * shape.n * shape.k <= GemmKernel.directLimit {
          direct(x, y, z, shape)
        } else if shape.n < GemmKernel.nr / 2 && shape.m >= GemmKernel.nr {
          narrow(x, y, z, shape)
        } else {
          GemmKernel(m: shape.m, n: shape.n, k: shape.k, threads: threadCount).run(x, y, z)
        }
      }
    case .float64:
      try product(a, b, out, shape, Double.self) { x, y, z in direct(x, y, z, shape) }
    default: throw unsupported(.matmul, a.dtype)
    }
  }

  /// Loops over the batch, handing each matrix triple to `kernel`.
  private func product<T>(
    _ a: TensorBuffer, _ b: TensorBuffer, _ out: TensorBuffer, _ shape: MatmulGeometry,
    _ type: T.Type,
    _ kernel: (MatrixOperand<T>, MatrixOperand<T>, UnsafeMutablePointer<T>) -> Void
  ) throws {
    guard shape.m * shape.n > 0 else { return }
    let x = MatrixOperand(
      base: UnsafePointer(a.pointer(T.self)), leadingDimension: shape.lda,
      transposed: shape.transposeA)
    let y = MatrixOperand(
      base: UnsafePointer(b.pointer(T.self)), leadingDimension: shape.ldb,
      transposed: shape.transposeB)
    let z = out.pointer(T.self)
    for batch in 0..<shape.batches {
      kernel(
        x.advanced(by: batch * shape.aStride), y.advanced(by: batch * shape.bStride),
        z + batch * shape.outStride)
    }
  }

  /// A product with few columns (a 10-class output layer) would waste most of each 32-wide
  /// tile, so it computes `cᵀ = bᵀ · aᵀ`, whose columns are the many rows of `a`, and
  /// transposes the small result into place.
  private func narrow(
    _ a: MatrixOperand<Float>, _ b: MatrixOperand<Float>, _ c: UnsafeMutablePointer<Float>,
    _ shape: MatmulGeometry
  ) {
    let (m, n) = (shape.m, shape.n)
    let flipped = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
    defer { flipped.deallocate() }
    GemmKernel(m: n, n: m, k: shape.k, threads: threadCount).run(
      b.transposedView, a.transposedView, flipped)
    for i in 0..<m {
      for j in 0..<n { c[i * n + j] = flipped[j * m + i] }
    }
  }

  private func direct<T: RealElement>(
    _ a: MatrixOperand<T>, _ b: MatrixOperand<T>, _ c: UnsafeMutablePointer<T>,
    _ shape: MatmulGeometry
  ) {
    let gemm = DirectGemm<T>(m: shape.m, n: shape.n, k: shape.k)
    let work = Swift.max(1, shape.n * shape.k)
    parallel.forEachChunk(shape.m, grain: Swift.max(1, (1 << 20) / work)) { rows in
      gemm.run(a, b, c, rows: rows)
    }
  }
}
