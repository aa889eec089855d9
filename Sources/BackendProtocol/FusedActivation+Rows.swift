#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FusedActivation {
  /// Adds `bias` (when given) to each of `count` rows of `columns` floats and applies the
  /// activation, in place: the epilogue a kernel runs on its fresh output while it is in
  /// cache. Large outputs are split by rows across ``WorkerPool/shared`` (elementwise, so the
  /// split changes no result). relu keeps NaN as NaN, as the `relu` op does.
  public func apply(
    toRows rows: UnsafeMutablePointer<Float>, count: Int, columns: Int,
    bias: UnsafePointer<Float>?
  ) {
    guard bias != nil || self != .linear, count > 0, columns > 0 else { return }
    let parts = count * columns >= 1 << 16 ? WorkerPool.shared.workerCount + 1 : 1
    WorkerPool.shared.run(parts) { part in
      for row in (count * part / parts)..<(count * (part + 1) / parts) {
        let values = rows + row * columns
        if let bias { for column in 0..<columns { values[column] += bias[column] } }
        switch self {
        case .linear: break
        case .relu: for column in 0..<columns where values[column] < 0 { values[column] = 0 }
        case .sigmoid:
          for column in 0..<columns { values[column] = 1 / (1 + expf(-values[column])) }
        case .tanh: for column in 0..<columns { values[column] = tanhf(values[column]) }
        }
      }
    }
  }
}
