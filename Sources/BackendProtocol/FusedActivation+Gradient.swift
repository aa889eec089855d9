extension FusedActivation {
  /// The gradient before the activation from its output `y` and the gradient after it `g`,
  /// over `count` elements: `linear` g; `relu` g where y > 0, else 0 (so 0 where y is NaN);
  /// `sigmoid` g·(y·(1 − y)); `tanh` g·(1 − y·y). The products are grouped as the frontend's
  /// composite groups them, so the two agree bit for bit. Large runs are split across
  /// ``WorkerPool/shared`` when `threads` allows more than one (elementwise, so the split
  /// changes no result).
  public func gradient(
    output y: UnsafePointer<Float>, upstream g: UnsafePointer<Float>,
    into out: UnsafeMutablePointer<Float>, count: Int, threads: Int
  ) {
    let parts = count >= 1 << 17 && threads > 1 ? WorkerPool.shared.workerCount + 1 : 1
    WorkerPool.shared.run(parts) { part in
      // Whole vectors per part, the tail on the last.
      let vectors = count / 16
      let (lower, upper) = (vectors * part / parts, vectors * (part + 1) / parts)
      let (rawY, rawG) = (UnsafeRawPointer(y), UnsafeRawPointer(g))
      let rawOut = UnsafeMutableRawPointer(out)
      for index in lower..<upper {
        let offset = index * 64
        let result = gradient(
          rawY.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self),
          rawG.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self))
        rawOut.storeBytes(of: result, toByteOffset: offset, as: SIMD16<Float>.self)
      }
      guard part == parts - 1 else { return }
      for index in (vectors * 16)..<count { out[index] = gradient(y[index], g[index]) }
    }
  }

  /// ``gradient(output:upstream:into:count:threads:)`` for `float64`, one element at a time.
  public func gradient(
    output y: UnsafePointer<Double>, upstream g: UnsafePointer<Double>,
    into out: UnsafeMutablePointer<Double>, count: Int
  ) {
    for index in 0..<count { out[index] = gradient(y[index], g[index]) }
  }

  /// Sixteen lanes at once. Written for `SIMD16<Float>` itself: a generic version's lane
  /// comparison compiled to one scalar compare per lane, 3× slower.
  @inline(__always)
  private func gradient(_ y: SIMD16<Float>, _ g: SIMD16<Float>) -> SIMD16<Float> {
    switch self {
    case .linear: g
    case .relu: SIMD16<Float>(repeating: 0).replacing(with: g, where: y .> 0)
    case .sigmoid: g * (y * (1 - y))
    case .tanh: g * (1 - y * y)
    }
  }

  @inline(__always)
  private func gradient<T: BinaryFloatingPoint>(_ y: T, _ g: T) -> T {
    switch self {
    case .linear: g
    case .relu: y > 0 ? g : 0
    case .sigmoid: g * (y * (1 - y))
    case .tanh: g * (1 - y * y)
    }
  }
}
