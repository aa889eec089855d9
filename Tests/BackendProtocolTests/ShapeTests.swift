import Testing

@testable import BackendProtocol

@Suite struct ShapeTests {
  @Test func broadcastFollowsNumPy() {
    #expect(Shape.broadcast([32, 128], [128]) == [32, 128])
    #expect(Shape.broadcast([3, 1], [1, 4]) == [3, 4])
    #expect(Shape.broadcast([], [2, 2]) == [2, 2])
    #expect(Shape.broadcast([3, 2], [3]) == nil)
  }

  @Test func normalizeRejectsAxesOutsideTheRank() {
    #expect(Shape.normalize(axis: -1, rank: 3) == 2)
    #expect(Shape.normalize(axis: 3, rank: 3) == nil)
    #expect(Shape.normalize(axis: -4, rank: 3) == nil)
    #expect(Shape.normalize(axis: 0, rank: 0) == nil)
    #expect(Shape.normalize(axis: Int.min, rank: -1) == nil)
    #expect(Shape.normalize(axis: Int.min, rank: Int.max) == nil)
    #expect(Shape.normalize(axis: -1, rank: Int.max) == Int.max - 1)
  }

  @Test func elementCountSaturatesAndValidationRejects() throws {
    #expect(Shape([2, 3, 4]).elementCount == 24)
    #expect(Shape([]).elementCount == 1)
    #expect(Shape([Int.max, 2]).elementCount == Int.max)
    #expect(throws: PlexusError.self) { try Shape([Int.max, 2]).validated(context: "test") }
    #expect(throws: PlexusError.self) { try Shape([-1, 2]).validated(context: "test") }
    #expect(try Shape([4, 5]).validated(context: "test") == [4, 5])
  }

  @Test func emptyShapesWithHugeAxesAreRejected() {
    // An empty tensor of (0, 2^62, 2^62) would overflow every later product of its axes.
    #expect(throws: PlexusError.self) { try Shape([0, 1 << 62, 1 << 62]).validated(context: "t") }
    #expect(throws: PlexusError.self) { try Shape([0, Int.max]).validated(context: "t") }
    #expect(throws: PlexusError.self) { try Shape([Int.min]).validated(context: "t") }
    #expect((try? Shape([0, 1 << 20]).validated(context: "t")) == [0, 1 << 20])
  }

  @Test func theElementLimitIsOneThisMachineCanHold() {
    #expect(Shape.maximumElementCount > 0)
    #expect(Shape.maximumElementCount * 8 <= Storage.maximumByteCount)
    let justOver = Shape([Shape.maximumElementCount + 1])
    #expect(throws: PlexusError.self) { try justOver.validated(context: "t") }
  }

  @Test func stridesSaturateInsteadOfTrapping() {
    #expect(Shape([2, 3, 4]).strides == [12, 4, 1])
    #expect(Shape([Int.max, Int.max, 2]).strides == [Int.max, 2, 1])
  }

  @Test func describesItselfTheKerasWay() {
    #expect(Shape([32, 784]).description == "(32, 784)")
    #expect(Shape([10]).description == "(10,)")
    #expect(Shape([]).description == "()")
  }
}
