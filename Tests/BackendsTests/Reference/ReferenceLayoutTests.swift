import BackendProtocol
import PlexusReference
import Testing

@Suite struct ReferenceLayoutTests {
  private let counting = (0..<24).map(Double.init)

  @Test func transposeMatrix() throws {
    let out = output([3, 2], .int64)
    try reference.transpose(buffer([1, 2, 3, 4, 5, 6], [2, 3], .int64), permutation: [1, 0], out)
    #expect(values(out) == [1, 4, 2, 5, 3, 6])
  }

  @Test(arguments: [[2, 0, 1], [0, 2, 1], [1, 0, 2], [2, 1, 0], [0, 1, 2]])
  func transposeRank3MatchesIndexing(permutation: [Int]) throws {
    let shape = [2, 3, 4]
    let outShape = permutation.map { shape[$0] }
    let out = output(Shape(outShape))
    try reference.transpose(buffer(counting, Shape(shape)), permutation: permutation, out)
    var expected: [Double] = []
    for i in 0..<outShape[0] {
      for j in 0..<outShape[1] {
        for k in 0..<outShape[2] {
          var source = [0, 0, 0]
          source[permutation[0]] = i
          source[permutation[1]] = j
          source[permutation[2]] = k
          expected.append(counting[source[0] * 12 + source[1] * 4 + source[2]])
        }
      }
    }
    #expect(values(out) == expected)
  }

  @Test func transposeLargeMatrixOfBools() throws {
    let rows = 70
    let columns = 45
    let x = (0..<(rows * columns)).map { Double(($0 / 3) % 2) }
    let out = output([columns, rows], .bool)
    try reference.transpose(buffer(x, [rows, columns], .bool), permutation: [1, 0], out)
    let result = values(out)
    #expect(result.indices.allSatisfy { result[$0] == x[($0 % rows) * columns + $0 / rows] })
  }

  @Test func concatAlongEachAxis() throws {
    let a = buffer([1, 2, 3, 4], [2, 2])
    let b = buffer([5, 6], [2, 1])
    let columns = output([2, 3])
    try reference.concat([a, b], axis: 1, columns)
    #expect(values(columns) == [1, 2, 5, 3, 4, 6])
    let rows = output([3, 2], .uint8)
    try reference.concat(
      [buffer([1, 2, 3, 4], [2, 2], .uint8), buffer([9, 8], [1, 2], .uint8)], axis: 0, rows)
    #expect(values(rows) == [1, 2, 3, 4, 9, 8])
  }

  @Test func sliceABoxFromTheMiddle() throws {
    let out = output([1, 2, 2], .int32)
    try reference.slice(buffer(counting, [2, 3, 4], .int32), starts: [1, 1, 2], out)
    #expect(values(out) == [18, 19, 22, 23])
    let rows = output([2, 4])
    try reference.slice(buffer(counting, [6, 4]), starts: [3, 0], rows)
    #expect(values(rows) == [12, 13, 14, 15, 16, 17, 18, 19])
  }

  @Test func padSurroundsWithTheValue() throws {
    let out = output([3, 4], .float64)
    try reference.pad(buffer([1, 2, 3, 4], [2, 2], .float64), before: [1, 1], value: -1, out)
    #expect(values(out) == [-1, -1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1])
  }

  @Test func gatherRowsAndColumns() throws {
    let x = buffer([0, 1, 2, 10, 11, 12, 20, 21, 22], [3, 3])
    let rows = output([2, 2, 3])
    try reference.gather(x, buffer([2, 0, 2, 1], [2, 2], .int32), axis: 0, rows)
    #expect(values(rows) == [20, 21, 22, 0, 1, 2, 20, 21, 22, 10, 11, 12])
    let columns = output([3, 2])
    try reference.gather(x, buffer([1, 1], [2], .int64), axis: 1, columns)
    #expect(values(columns) == [1, 1, 11, 11, 21, 21])
  }

  @Test func gatherRejectsOutOfRangeAndNegativeIndices() throws {
    let x = buffer((0..<20).map(Double.init), [10, 2])
    #expect(
      throws: PlexusError.indexOutOfRange(context: "gather along axis 0", index: 12, size: 10)
    ) { try reference.gather(x, buffer([1, 12], [2], .int32), axis: 0, output([2, 2])) }
    #expect(
      throws: PlexusError.indexOutOfRange(context: "gather along axis 1", index: -1, size: 2)
    ) { try reference.gather(x, buffer([-1], [1], .int64), axis: 1, output([10, 1])) }
  }

  @Test func scatterAddSumsDuplicates() throws {
    let out = buffer([1, 1, 1, 1, 1, 1], [3, 2])
    let updates = buffer([1, 2, 10, 20, 100, 200], [3, 2])
    try reference.scatterAdd(updates, buffer([2, 0, 2], [3], .int32), axis: 0, out)
    #expect(values(out) == [11, 21, 1, 1, 102, 203])
    let columns = buffer([0, 0, 0, 0], [2, 2], .int64)
    try reference.scatterAdd(
      buffer([5, 6, 7, 8, 9, 10], [2, 3], .int64), buffer([1, 1, 0], [3], .int64), axis: 1,
      columns)
    #expect(values(columns) == [7, 11, 10, 17])
  }

  @Test func scatterAddRejectsOutOfRange() throws {
    let out = buffer([0, 0], [2])
    #expect(
      throws: PlexusError.indexOutOfRange(context: "scatter_add along axis 0", index: 2, size: 2)
    ) { try reference.scatterAdd(buffer([1], [1]), buffer([2], [1], .int32), axis: 0, out) }
    #expect(values(out) == [0, 0])
  }
}

/// The indexing kernels split large work across threads; the cut must change no bit.
@Suite struct ReferenceParallelIndexingTests {
  /// Deterministic values whose float32 sums depend on the order of addition.
  private func noisy(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 997
    }
  }

  private func floats(_ buffer: TensorBuffer) -> [Float] {
    Array(UnsafeBufferPointer(start: buffer.pointer(Float.self), count: buffer.count))
  }

  private func floatBuffer(_ values: [Float], _ shape: Shape) throws -> TensorBuffer {
    let result = try TensorBuffer.allocate(.float32, shape)
    for (index, value) in values.enumerated() { result.pointer(Float.self)[index] = value }
    return result
  }

  /// Sums duplicates in index order, as one thread does, at 1 and 2 threads; along axis 0
  /// (embedding rows: 70 wide, so the vector loop has a tail) and axis 1 (several blocks, so
  /// the threads' row runs cross block boundaries).
  @Test(arguments: [0, 1])
  func scatterAddIsTheSerialSumAtAnyThreadCount(axis: Int) throws {
    let (outer, size, inner, picks) = axis == 0 ? (1, 37, 70, 3_000) : (5, 37, 70, 600)
    let ids = (0..<picks).map { Double(($0 * 7 + $0 / 5) % size) }
    let updates = noisy(outer * picks * inner, seed: 3)
    let base = noisy(outer * size * inner, seed: 4)
    let outShape: Shape = axis == 0 ? [size, inner] : [outer, size, inner]
    let updatesShape: Shape = axis == 0 ? [picks, inner] : [outer, picks, inner]
    var expected = base
    for block in 0..<outer {
      for (pick, id) in ids.enumerated() {
        for j in 0..<inner {
          expected[(block * size + Int(id)) * inner + j] +=
            updates[(block * picks + pick) * inner + j]
        }
      }
    }
    for threads in [1, 2] {
      let backend = ReferenceBackend()
      backend.setThreadCount(threads)
      let out = try floatBuffer(base, outShape)
      try backend.scatterAdd(
        floatBuffer(updates, updatesShape), buffer(ids, [picks], .int32), axis: axis, out)
      #expect(floats(out).map(\.bitPattern) == expected.map(\.bitPattern), "threads \(threads)")
    }
  }

  /// Rows of whole vectors (64 floats) and of odd widths (3) copy the same at 1 and 2 threads.
  @Test(arguments: [64, 3])
  func gatherCopiesEveryRowAtAnyThreadCount(width: Int) throws {
    let table = noisy(100 * width, seed: 5)
    let picks = 5_000
    let ids = (0..<picks).map { Double(($0 * 31) % 100) }
    let expected = ids.flatMap { table[Int($0) * width..<(Int($0) + 1) * width] }
    for threads in [1, 2] {
      let backend = ReferenceBackend()
      backend.setThreadCount(threads)
      let out = output([picks, width])
      try backend.gather(
        floatBuffer(table, [100, width]), buffer(ids, [picks], .int64), axis: 0, out)
      #expect(floats(out).map(\.bitPattern) == expected.map(\.bitPattern), "threads \(threads)")
    }
  }

  /// A large fill and copy (split across threads) reach every element.
  @Test func largeFillAndCopyReachEveryElement() throws {
    let count = 300_001
    let filled = output([count])
    try reference.fill(2.5, filled)
    #expect(floats(filled).allSatisfy { $0 == 2.5 })
    let source = try floatBuffer(noisy(count, seed: 6), [count])
    let copied = output([count])
    try reference.copy(source, copied)
    #expect(floats(copied) == floats(source))
  }
}
