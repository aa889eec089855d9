import BackendProtocol
import PlexusOneDNN
import Testing

/// Results do not depend on the thread count: at one thread and at two every op gives the
/// same bits, in each of the ways it may run (whole on one thread, cut into parts on the
/// worker pool, on an OpenMP team).
@Suite struct OneDNNThreadTests {
  private func bits(_ threads: Int, _ body: (OneDNNBackend) throws -> TensorBuffer) throws
    -> [UInt32]
  {
    let backend = OneDNNBackend()
    backend.setThreadCount(threads)
    let out = try body(backend)
    return (0..<out.count).map { out.pointer(Float.self)[$0].bitPattern }
  }

  /// `(batches, m, n, k)`: products cut by rows, by columns and by batches, the MLP's forward
  /// and backward products, and products large enough for an OpenMP team.
  @Test(arguments: [
    (1, 100, 40, 30), (1, 20, 150, 40), (4, 30, 20, 40), (1, 32, 128, 784), (1, 784, 128, 32),
    (1, 32, 784, 128), (1, 512, 512, 64), (1, 64, 64, 4096), (8, 64, 64, 512),
  ])
  func productsGiveTheSameBits(batches: Int, m: Int, n: Int, k: Int) throws {
    let a = buffer(randomValues(batches * m * k, seed: 1), [batches, m, k])
    let b = buffer(randomValues(k * n, seed: 2), [k, n])
    let product = { (backend: OneDNNBackend) throws -> TensorBuffer in
      let out = output([batches, m, n])
      try backend.matmul(a, b, transposeA: false, transposeB: false, out)
      return out
    }
    #expect(try bits(1, product) == bits(2, product))
  }

  /// A primitive is created for one thread whatever the thread setting under which it is
  /// first met (oneDNN plans its work split for the OpenMP count at creation): here one
  /// backend first meets the op at a setting of two threads, the other at one.
  @Test func primitivesDoNotDependOnTheCreatingThread() throws {
    let large = output([OneDNNBackend.parallelElementsFrom])
    let x = buffer(randomValues(16 * 12, seed: 5), [16, 12])
    let w = buffer(randomValues(12 * 24, seed: 6), [12, 24])
    var results: [[UInt32]] = []
    for threads in [2, 1] {
      let backend = OneDNNBackend()
      backend.setThreadCount(threads)
      try backend.unary(.relu, large, output(large.shape))
      #expect(OneDNNBackend.openMPThreadCountOfThisThread == 1)
      let out = output([16, 24])
      try backend.matmul(x, w, transposeA: false, transposeB: false, out)
      results.append((0..<out.count).map { out.pointer(Float.self)[$0].bitPattern })
    }
    #expect(results[0] == results[1])
  }

  @Test func largeElementwiseOpsGiveTheSameBits() throws {
    let count = OneDNNBackend.parallelElementsFrom * 2
    let x = buffer(randomValues(count, seed: 3), [count / 1024, 1024])
    let ops: [(OneDNNBackend) throws -> TensorBuffer] = [
      { backend in
        let out = output([count / 1024, 1024])
        try backend.unary(.exp, x, out)
        return out
      },
      { backend in
        let out = output([count / 1024, 1024])
        try backend.softmax(x, out)
        return out
      },
      { backend in
        let out = output([])
        try backend.reduce(.sum, x, axes: [0, 1], out)
        return out
      },
      { backend in
        let out = output([1024])
        try backend.reduce(.sum, x, axes: [0], out)
        return out
      },
    ]
    for (index, op) in ops.enumerated() {
      #expect(try bits(1, op) == bits(2, op), "op \(index)")
    }
  }

  /// A large sum over the leading axes (a bias's gradient), which runs in parts whose partial
  /// sums are added after, agrees with the reference at either thread setting.
  @Test func aLargeSumInPartsMatchesTheReference() throws {
    let x = buffer(randomValues(300 * 8 * 40, seed: 9), [300, 8, 40])
    for threads in [1, 2] {
      let backend = OneDNNBackend()
      backend.setThreadCount(threads)
      let result = try compare(backend, .sum, [x], [.axes: .ints([0, 1])], [40])
      #expect(result.agrees(within: 1e-4), "\(result)")
    }
  }
}
