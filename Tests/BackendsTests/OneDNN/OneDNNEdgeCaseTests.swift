import BackendProtocol
import PlexusOneDNN
import Testing

@Suite struct OneDNNEdgeCaseTests {
  @Test func emptyTensors() throws {
    let backend = OneDNNBackend()
    let empty = buffer([], [0, 3])
    #expect(try compare(backend, .relu, [empty], [0, 3]).agrees())
    #expect(try compare(backend, .add, [empty, buffer([1, 2, 3], [3])], [0, 3]).agrees())
    let sums = output([3])
    try backend.reduce(.sum, empty, axes: [0], sums)
    #expect(values(sums) == [0, 0, 0])
    #expect(try compare(backend, .sum, [empty], [.axes: .ints([1])], [0]).agrees())
    #expect(try compare(backend, .softmax, [empty], [.axis: .int(1)], [0, 3]).agrees())
    let product = try compare(
      backend, .matmul, [empty, buffer(randomValues(12, seed: 1), [3, 4])], [0, 4])
    #expect(product.agrees())
    // Empty tensors reach no oneDNN call at all.
    #expect(backend.primitivesCreated == 0)
  }

  @Test func productsOfFewRowsRunOnSgemmAndAgreeWithTheReference() throws {
    let backend = OneDNNBackend()
    for rows in 1...3 {
      for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
        let a = buffer(
          randomValues(rows * 300, seed: UInt64(rows)), transposeA ? [300, rows] : [rows, 300])
        let b = buffer(randomValues(300 * 70, seed: 9), transposeB ? [70, 300] : [300, 70])
        let product = try compare(
          backend, .matmul, [a, b],
          [.transposeA: .bool(transposeA), .transposeB: .bool(transposeB)], [rows, 70])
        #expect(
          product.agrees(within: 1e-4), "rows \(rows), transposes \(transposeA) \(transposeB)")
      }
    }
    #expect(backend.primitivesCreated == 0)
  }

  @Test func repeatedOpsCreateNoPrimitive() throws {
    let backend = OneDNNBackend()
    let a = buffer(randomValues(12, seed: 1), [3, 4])
    let b = buffer(randomValues(20, seed: 2), [4, 5])
    let row = buffer(randomValues(4, seed: 3), [1, 4])
    // Five rows: products of fewer run through dnnl_sgemm, with no primitive to cache.
    let tall = buffer(randomValues(20, seed: 4), [5, 4])
    func step() throws {
      try backend.matmul(tall, b, transposeA: false, transposeB: false, output([5, 5]))
      try backend.unary(.tanh, a, output([3, 4]))
      // A broadcast first operand of a subtraction: a reorder and a binary, two primitives.
      try backend.binary(.subtract, row, a, output([3, 4]))
      try backend.reduce(.sum, a, axes: [1], output([3]))
      try backend.softmax(a, output([3, 4]))
    }
    try step()
    let created = backend.primitivesCreated
    #expect(created == 6)
    #expect(backend.cachedPlanCount == 5)
    try step()
    #expect(backend.primitivesCreated == created)
    // New sizes make new ones; a new thread count does not for ops this small, which run on
    // one thread whatever the setting.
    try backend.unary(.tanh, b, output([4, 5]))
    #expect(backend.primitivesCreated == created + 1)
    backend.setThreadCount(backend.threadCount == 1 ? 2 : 1)
    try step()
    #expect(backend.primitivesCreated == created + 1)
    // A large op runs in parts of one size, at every thread setting: one primitive.
    let large = output([OneDNNBackend.parallelElementsFrom])
    for threads in [1, 2, 1] {
      backend.setThreadCount(threads)
      try backend.unary(.relu, large, output(large.shape))
    }
    #expect(backend.primitivesCreated == created + 2)
  }

  @Test func theCacheIsBounded() throws {
    let backend = OneDNNBackend(cacheCapacity: 3)
    for count in 1...6 {
      try backend.unary(.exp, buffer(randomValues(count, seed: 1), [count]), output([count]))
    }
    #expect(backend.cachedPlanCount == 3)
    #expect(backend.primitivesCreated == 6)
    // The most recent sizes are still there; the first were dropped.
    try backend.unary(.exp, buffer(randomValues(6, seed: 1), [6]), output([6]))
    #expect(backend.primitivesCreated == 6)
    try backend.unary(.exp, buffer([1], [1]), output([1]))
    #expect(backend.primitivesCreated == 7)
  }

  /// Inputs no frontend op would build: each one is an error or an unsupported answer, never a
  /// trap and never a read past a buffer.
  @Test func hostileInputsAreErrors() throws {
    let backend = OneDNNBackend()
    let x = buffer([1, 2, 3, 4], [4])
    // Shapes whose element count overflows, over a 16-byte storage.
    let storage = try Storage(byteCount: 16)
    let huge = TensorBuffer(dtype: .float32, shape: [1 << 40, 1 << 40], uncheckedStorage: storage)
    let overflowing = TensorBuffer(
      dtype: .float32, shape: [Int.max, 3], uncheckedStorage: storage)
    let negative = TensorBuffer(dtype: .float32, shape: [-4], uncheckedStorage: storage)
    for bad in [huge, overflowing, negative] {
      #expect(throws: PlexusError.self) { try backend.unary(.relu, bad, bad) }
      #expect(throws: PlexusError.self) { try backend.binary(.add, bad, x, output([4])) }
      #expect(throws: PlexusError.self) { try backend.reduce(.sum, bad, axes: [0], output([])) }
      #expect(throws: PlexusError.self) { try backend.softmax(bad, bad) }
      #expect(throws: PlexusError.self) {
        try backend.matmul(bad, bad, transposeA: false, transposeB: true, output([2, 2]))
      }
    }
    // Mismatched shapes.
    #expect(throws: PlexusError.self) { try backend.unary(.exp, x, output([5])) }
    #expect(throws: PlexusError.self) { try backend.unary(.exp, x, output([2, 2])) }
    #expect(throws: PlexusError.self) { try backend.binary(.add, x, x, output([2, 2])) }
    // Another dtype, and a record short of inputs.
    #expect(throws: PlexusError.self) { try backend.unary(.exp, buffer([1], [1], .int32), x) }
    #expect(throws: PlexusError.self) {
      try backend.execute(OpRecord(.add, inputs: [x], outputs: [output([4])]))
    }
    // An op it does not run answers unsupported, so the dispatcher falls back.
    #expect(
      try backend.execute(OpRecord(.sin, inputs: [x], outputs: [output([4])])) == .unsupported)
    #expect(backend.primitivesCreated == 0)
  }
}
