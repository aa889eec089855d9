import BackendProtocol
import PlexusOneDNN
import Testing

@Suite struct OneDNNBinaryTests {
  /// Shape pairs for each way NumPy broadcasting meets oneDNN's rule that only the second
  /// source broadcasts: `a` spans the output; only `b` does (swapped when the op commutes);
  /// neither does (a reorder spreads `a` first); scalars; size-1 axes; ranks beyond oneDNN's
  /// 12 that merge below it.
  static let pairs: [(Shape, Shape)] = [
    ([2, 3], [2, 3]), ([4, 3], [3]), ([4, 3], [4, 1]), ([3], [4, 3]), ([4, 1], [4, 3]),
    ([2, 1, 3], [4, 1]), ([1, 3], [2, 1]), ([], [2, 2]), ([2, 2], []), ([], []), ([1], [5]),
    ([2, 1, 2, 1, 2, 1], [1, 2, 1, 2, 1, 2]), ([3, 1, 1, 4], [1, 5, 6, 1]),
    (Shape([Int](repeating: 1, count: 13) + [3]), Shape([2] + [Int](repeating: 1, count: 13))),
    (Shape([Int](repeating: 2, count: 14)), [2]),
  ]

  @Test(arguments: [OpCode.add, .subtract, .multiply, .divide, .maximum, .minimum])
  func broadcastingMatchesTheReference(op: OpCode) throws {
    let backend = OneDNNBackend()
    for (seed, (left, right)) in Self.pairs.enumerated() {
      let a = buffer(randomValues(left.elementCount, seed: UInt64(2 * seed)), left)
      let b = buffer(randomValues(right.elementCount, seed: UInt64(2 * seed + 1)), right)
      let shape = try #require(Shape.broadcast(left, right))
      // IEEE arithmetic is correctly rounded on both backends: the results are equal.
      #expect(try compare(backend, op, [a, b], shape).agrees(), "\(op) \(left) \(right)")
    }
  }

  /// Ops large enough to run in parts along their first axis, each broadcast case: a bias
  /// added over rows, the other side spanning the output, equal shapes, an axis of 2 or 3
  /// rows, a broadcast first operand (run whole); exact at one thread and two.
  @Test(arguments: [OpCode.add, .subtract, .multiply, .maximum])
  func largeOpsInPartsMatchTheReference(op: OpCode) throws {
    let pairs: [(Shape, Shape)] = [
      ([300, 400], [400]), ([400], [300, 400]), ([301, 217], [301, 217]), ([2, 40_000], [2, 1]),
      ([3, 1, 30_000], [3, 4, 1]), ([1, 70_000], [3, 1]),
    ]
    for threads in [1, 2] {
      let backend = OneDNNBackend()
      backend.setThreadCount(threads)
      for (seed, (left, right)) in pairs.enumerated() {
        let a = buffer(randomValues(left.elementCount, seed: UInt64(2 * seed)), left)
        let b = buffer(randomValues(right.elementCount, seed: UInt64(2 * seed + 1)), right)
        let shape = try #require(Shape.broadcast(left, right))
        #expect(try compare(backend, op, [a, b], shape).agrees(), "\(op) \(left) \(right)")
      }
    }
  }

  @Test func unmergeableRanksBeyondOneDNNAreLeftToTheReference() throws {
    // Alternating broadcast axes cannot merge: 14 axes stay 14, above DNNL_MAX_NDIMS.
    let left = Shape((0..<14).map { $0 % 2 == 0 ? 2 : 1 })
    let right = Shape((0..<14).map { $0 % 2 == 0 ? 1 : 2 })
    let a = buffer(randomValues(left.elementCount, seed: 1), left)
    let b = buffer(randomValues(right.elementCount, seed: 2), right)
    let shape = try #require(Shape.broadcast(left, right))
    let backend = OneDNNBackend()
    #expect(try compare(backend, .add, [a, b], shape).status == .unsupported)
    #expect(!backend.supports(OpRecord(.add, inputs: [a, b], outputs: [output(shape)])))
  }

  @Test func wrongOutputsThrow() throws {
    let backend = OneDNNBackend()
    #expect(throws: PlexusError.self) {
      try backend.binary(.add, buffer([1, 2, 3], [3]), buffer([1, 2], [2]), output([3]))
    }
    #expect(throws: PlexusError.self) {
      try backend.binary(.add, buffer([1, 2, 3], [3]), buffer([1], [1]), output([4]))
    }
    #expect(throws: PlexusError.self) {
      try backend.binary(
        .add, buffer([1, 2, 3], [3], .float64), buffer([1], [1], .float64), output([3], .float64))
    }
    #expect(throws: UnsupportedOp.self) {
      try backend.binary(.power, buffer([1, 2, 3], [3]), buffer([1], [1]), output([3]))
    }
  }
}
