import Testing

@testable import BackendProtocol

@Suite struct MatmulGeometryTests {
  func buffer(_ shape: Shape) -> TensorBuffer { TensorBuffer(dtype: .float32, shape: shape) }

  @Test func readsSizesAndReusesASideWithoutBatches() throws {
    let geometry = try MatmulGeometry(
      buffer([4, 3, 5]), buffer([7, 5]), transposeA: false, transposeB: true, buffer([4, 3, 7]))
    #expect([geometry.m, geometry.n, geometry.k] == [3, 7, 5])
    #expect([geometry.lda, geometry.ldb] == [5, 5])
    #expect(geometry.batches == 4)
    #expect([geometry.aStride, geometry.bStride, geometry.outStride] == [15, 0, 21])
  }

  @Test func transposedOperandsSwapTheirAxes() throws {
    let geometry = try MatmulGeometry(
      buffer([5, 3]), buffer([5, 2]), transposeA: true, transposeB: false, buffer([3, 2]))
    #expect([geometry.m, geometry.n, geometry.k] == [3, 2, 5])
    #expect(geometry.batches == 1)
  }

  @Test func unequalBatchesAndLowRanksAreErrors() {
    #expect(throws: PlexusError.self) {
      try MatmulGeometry(
        buffer([2, 3, 4]), buffer([3, 4, 5]), transposeA: false, transposeB: false,
        buffer([3, 3, 5]))
    }
    #expect(throws: PlexusError.self) {
      try MatmulGeometry(
        buffer([4]), buffer([4, 2]), transposeA: false, transposeB: false, buffer([2]))
    }
  }

  @Test func anOutputOfTheWrongSizeIsAnError() throws {
    #expect(throws: PlexusError.self) {
      try MatmulGeometry(
        buffer([2, 3]), buffer([3, 4]), transposeA: false, transposeB: false, buffer([2, 5]))
    }
    // Empty operands with huge outer sizes: m * n would overflow without the check.
    let a = try TensorBuffer.allocate(.float32, [1 << 20, 0])
    let b = try TensorBuffer.allocate(.float32, [0, 1 << 20])
    #expect(throws: PlexusError.self) {
      try MatmulGeometry(a, b, transposeA: false, transposeB: false, buffer([1, 1]))
    }
  }
}
