import BackendProtocol
import PlexusReference
import Testing

@Suite struct ReferenceReductionTests {
  /// 0, 1, ..., 23 as a [2, 3, 4] tensor.
  private let counting = (0..<24).map(Double.init)

  private func reduce(
    _ op: OpCode, _ x: [Double], _ shape: Shape, axes: [Int], _ dtype: DType = .float32
  ) throws -> [Double] {
    let kept = shape.dims.indices.filter { !axes.contains($0) }.map { shape[$0] }
    let outType = op == .argmax || op == .argmin ? DType.int32 : dtype
    let out = output(Shape(kept), outType)
    try reference.reduce(op, buffer(x, shape, dtype), axes: axes, out)
    return values(out)
  }

  @Test func sumOverEachSingleAxis() throws {
    #expect(
      try reduce(.sum, counting, [2, 3, 4], axes: [0]) == (0..<12).map { Double(2 * $0 + 12) })
    #expect(
      try reduce(.sum, counting, [2, 3, 4], axes: [1]) == [12, 15, 18, 21, 48, 51, 54, 57])
    #expect(try reduce(.sum, counting, [2, 3, 4], axes: [2]) == [6, 22, 38, 54, 70, 86])
  }

  @Test func sumOverSeparatedAndAllAxes() throws {
    // Axes 0 and 2 of [2, 3, 4]: for each middle index j, sum over i and k.
    #expect(try reduce(.sum, counting, [2, 3, 4], axes: [0, 2]) == [60, 92, 124])
    #expect(try reduce(.sum, counting, [2, 3, 4], axes: [0, 1, 2]) == [276])
    #expect(try reduce(.sum, counting, [2, 3, 4], axes: [1, 2], .int64) == [66, 210])
  }

  @Test func maxMinProdOverTheMiddleAxis() throws {
    let x: [Double] = [3, -1, 2, 5, 0, 4, -2, 7, 1, 1, 6, -3]
    // [2, 3, 2], reduce axis 1.
    #expect(try reduce(.max, x, [2, 3, 2], axes: [1]) == [3, 5, 6, 7])
    #expect(try reduce(.min, x, [2, 3, 2], axes: [1], .int32) == [0, -1, -2, -3])
    #expect(try reduce(.prod, x, [2, 3, 2], axes: [1]) == [0, -20, -12, -21])
  }

  @Test func argmaxAndArgminTakeTheFirstOfTies() throws {
    let x: [Double] = [1, 5, 5, 0, 2, 2, 9, 0]
    #expect(try reduce(.argmax, x, [2, 4], axes: [1]) == [1, 2])
    #expect(try reduce(.argmin, x, [2, 4], axes: [1]) == [3, 3])
    #expect(try reduce(.argmax, x, [2, 4], axes: [0], .int64) == [1, 0, 1, 0])
    #expect(try reduce(.argmin, [4, 1, 1, 3], [4], axes: [0], .float64) == [1])
  }

  @Test func largeRowsAndColumnsSum() throws {
    let rows = 700
    let columns = 130
    let x = (0..<(rows * columns)).map { Double($0 % 7) }
    let byColumn = try reduce(.sum, x, [rows, columns], axes: [0], .float64)
    let expected = (0..<columns).map { c in (0..<rows).reduce(0.0) { $0 + x[$1 * columns + c] } }
    #expect(byColumn == expected)
    let rowSums = (0..<rows).map { r in x[(r * columns)..<((r + 1) * columns)].reduce(0, +) }
    #expect(try reduce(.sum, x, [rows, columns], axes: [1], .int32) == rowSums)
    #expect(try reduce(.sum, x, [rows, columns], axes: [1], .float32) == rowSums)
    #expect(try reduce(.sum, x, [rows * columns], axes: [0], .float64) == [rowSums.reduce(0, +)])
  }

  /// Raw records (a plugin's, a C caller's) are checked before anything is read or written:
  /// an empty reduced axis sums to zeros; bad axes and an output of the wrong size are errors.
  @Test func rawRecordsAreCheckedFirst() throws {
    #expect(try reduce(.sum, [], [3, 0], axes: [1]) == [0, 0, 0])
    #expect(try reduce(.sum, [], [2, 0, 3], axes: [1]) == [0, 0, 0, 0, 0, 0])
    #expect(try reduce(.prod, [], [2, 0], axes: [1]) == [1, 1])
    #expect(try reduce(.max, [], [4, 0], axes: [1]).allSatisfy { $0 < -1e38 })
    #expect(try reduce(.min, [], [2, 0, 3], axes: [1]).allSatisfy { $0 > 1e38 })
    #expect(throws: PlexusError.self) { try reduce(.argmax, [], [2, 0], axes: [1]) }
    // An output of another dtype than the input's would be written past its end.
    #expect(throws: PlexusError.self) {
      try reference.reduce(.sum, buffer([1, 2], [2], .float64), axes: [0], output([], .float32))
    }
    let x = buffer(counting, [2, 3, 4])
    for axes in [[3], [-1], [1, 1], [Int.max], [Int.min]] {
      #expect(throws: PlexusError.self) { try reference.reduce(.sum, x, axes: axes, output([8])) }
    }
    for wrong in [Shape([1]), [9], [2, 5]] {
      #expect(throws: PlexusError.self) { try reference.reduce(.max, x, axes: [1], output(wrong)) }
    }
  }
}
