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
