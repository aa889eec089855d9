import BackendProtocol
import PlexusReference
import Testing

@Suite struct ReferenceBinaryTests {
  private func apply(
    _ op: OpCode, _ a: [Double], _ aShape: Shape, _ b: [Double], _ bShape: Shape,
    _ dtype: DType = .float32
  ) throws -> (Shape, [Double]) {
    let shape = try #require(Shape.broadcast(aShape, bShape))
    let out = output(shape, op.producesBool ? .bool : dtype)
    try reference.binary(op, buffer(a, aShape, dtype), buffer(b, bShape, dtype), out)
    return (shape, values(out))
  }

  @Test func sameShapeArithmetic() throws {
    let a: [Double] = [1, 2, 3, 4]
    let b: [Double] = [4, 3, 2, -1]
    #expect(try apply(.add, a, [2, 2], b, [2, 2]).1 == [5, 5, 5, 3])
    #expect(try apply(.subtract, a, [2, 2], b, [2, 2]).1 == [-3, -1, 1, 5])
    #expect(try apply(.multiply, a, [2, 2], b, [2, 2]).1 == [4, 6, 6, -4])
    #expect(
      try apply(.divide, a, [2, 2], b, [2, 2]).1
        == [0.25, 2.0 / 3.0, 1.5, -4].map {
          Double(Float($0))
        })
    #expect(
      try apply(.power, a, [2, 2], [2, 0.5, 0, 3], [2, 2]).1
        == [1, 2.0.squareRoot(), 1, 64]
        .map { Double(Float($0)) })
    #expect(try apply(.maximum, a, [2, 2], b, [2, 2]).1 == [4, 3, 3, 4])
    #expect(try apply(.minimum, a, [2, 2], b, [2, 2]).1 == [1, 2, 2, -1])
  }

  @Test func scalarOperandOnEitherSide() throws {
    #expect(try apply(.subtract, [1, 2, 3], [3], [10], []).1 == [-9, -8, -7])
    #expect(try apply(.subtract, [10], [1], [1, 2, 3], [3]).1 == [9, 8, 7])
  }

  @Test func biasOverRowsAndTheReverse() throws {
    let x: [Double] = [1, 2, 3, 4, 5, 6]
    let (shape, sum) = try apply(.add, x, [2, 3], [10, 20, 30], [3])
    #expect(shape == [2, 3])
    #expect(sum == [11, 22, 33, 14, 25, 36])
    #expect(try apply(.subtract, [10, 20, 30], [1, 3], x, [2, 3]).1 == [9, 18, 27, 6, 15, 24])
  }

  @Test func generalBroadcastingOfColumnAgainstRow() throws {
    let (shape, result) = try apply(.multiply, [1, 2], [2, 1], [1, 10, 100], [1, 3])
    #expect(shape == [2, 3])
    #expect(result == [1, 10, 100, 2, 20, 200])
  }

  @Test func broadcastingAcrossAMiddleAxisAndRanks() throws {
    // a: [2, 1, 3], b: [4, 1] → [2, 4, 3]
    let a: [Double] = [1, 2, 3, 4, 5, 6]
    let b: [Double] = [0, 10, 20, 30]
    let (shape, result) = try apply(.add, a, [2, 1, 3], b, [4, 1])
    #expect(shape == [2, 4, 3])
    var expected: [Double] = []
    for i in 0..<2 {
      for j in 0..<4 {
        for k in 0..<3 { expected.append(a[i * 3 + k] + b[j]) }
      }
    }
    #expect(result == expected)
  }

  @Test(arguments: [DType.int32, .int64])
  func integerDivisionTruncatesAndNeverTraps(dtype: DType) throws {
    let result = try apply(.divide, [7, -7, 7, 5], [4], [2, 2, -2, 0], [4], dtype).1
    #expect(result == [3, -3, -3, 0])
    #expect(try apply(.add, [1, 2], [2], [5], [1], dtype).1 == [6, 7])
    #expect(try apply(.maximum, [1, 9], [2], [5], [1], dtype).1 == [5, 9])
  }

  @Test func comparisonsWriteBools() throws {
    let a: [Double] = [1, 2, 3]
    let b: [Double] = [2]
    #expect(try apply(.equal, a, [3], b, [1]).1 == [0, 1, 0])
    #expect(try apply(.notEqual, a, [3], b, [1]).1 == [1, 0, 1])
    #expect(try apply(.less, a, [3], b, [1]).1 == [1, 0, 0])
    #expect(try apply(.lessEqual, a, [3], b, [1]).1 == [1, 1, 0])
    #expect(try apply(.greater, a, [3], b, [1]).1 == [0, 0, 1])
    #expect(try apply(.greaterEqual, a, [3], b, [1], .int64).1 == [0, 1, 1])
    #expect(try apply(.equal, [3, 200], [2], [3, 100], [2], .uint8).1 == [1, 0])
    #expect(try apply(.notEqual, [1, 0], [2], [1, 1], [2], .bool).1 == [0, 1])
  }

  @Test func logicalOps() throws {
    let a: [Double] = [0, 0, 1, 1]
    let b: [Double] = [0, 1, 0, 1]
    #expect(try apply(.logicalAnd, a, [4], b, [4], .bool).1 == [0, 0, 0, 1])
    #expect(try apply(.logicalOr, a, [4], b, [4], .bool).1 == [0, 1, 1, 1])
  }

  @Test func maximumPropagatesNaN() throws {
    let result = try apply(.maximum, [.nan, 1], [2], [1, .nan], [2]).1
    #expect(result.allSatisfy { $0.isNaN })
  }

  @Test func selectBroadcastsAllThree() throws {
    let condition = buffer([1, 0], [2, 1], .bool)
    let a = buffer([1, 2, 3], [1, 3], .int32)
    let b = buffer([-1], [1], .int32)
    let out = output([2, 3], .int32)
    try reference.select(condition, a, b, out)
    #expect(values(out) == [1, 2, 3, -1, -1, -1])
    let same = output([3], .float64)
    try reference.select(
      buffer([0, 1, 1], [3], .bool), buffer([1, 2, 3], [3], .float64),
      buffer([7, 8, 9], [3], .float64), same)
    #expect(values(same) == [7, 2, 3])
  }

  @Test(arguments: [1, 5, 70_001])
  func selectAgainstAScalarOnEitherSide(count: Int) throws {
    let flags = (0..<count).map { Double(($0 * 7) % 3 == 0 ? 1 : 0) }
    let data = (0..<count).map { Double($0) - 2.5 }
    let condition = buffer(flags, [count], .bool)
    let full = buffer(data, [count], .float32)
    let scalar = buffer([9], [], .float32)
    let right = output([count], .float32)
    try reference.select(condition, full, scalar, right)
    #expect(values(right) == data.indices.map { flags[$0] != 0 ? data[$0] : 9 })
    let left = output([count], .float32)
    try reference.select(condition, scalar, full, left)
    #expect(values(left) == data.indices.map { flags[$0] != 0 ? 9 : data[$0] })
  }

  @Test func largeBroadcastMatchesElementwiseResult() throws {
    let rows = 300
    let columns = 257
    let x = (0..<(rows * columns)).map { Double($0 % 13) }
    let bias = (0..<columns).map { Double($0) }
    let result = try apply(.add, x, [rows, columns], bias, [columns]).1
    #expect(result == x.indices.map { x[$0] + bias[$0 % columns] })
    let column = (0..<rows).map { Double($0) }
    let general = try apply(.subtract, x, [rows, columns], column, [rows, 1]).1
    #expect(general == x.indices.map { x[$0] - column[$0 / columns] })
  }
}
