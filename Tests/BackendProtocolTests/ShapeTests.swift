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
  }

  @Test func elementCountSaturatesAndValidationRejects() throws {
    #expect(Shape([2, 3, 4]).elementCount == 24)
    #expect(Shape([]).elementCount == 1)
    #expect(Shape([Int.max, 2]).elementCount == Int.max)
    #expect(throws: PlexusError.self) { try Shape([Int.max, 2]).validated(context: "test") }
    #expect(throws: PlexusError.self) { try Shape([-1, 2]).validated(context: "test") }
    #expect(try Shape([4, 5]).validated(context: "test") == [4, 5])
  }

  @Test func describesItselfTheKerasWay() {
    #expect(Shape([32, 784]).description == "(32, 784)")
    #expect(Shape([10]).description == "(10,)")
    #expect(Shape([]).description == "()")
  }
}
