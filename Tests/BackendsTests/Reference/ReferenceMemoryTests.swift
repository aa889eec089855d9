import BackendProtocol
import PlexusReference
import Testing

@Suite struct ReferenceMemoryTests {
  @Test(arguments: [DType.float32, .float64, .int32, .int64, .uint8, .bool])
  func copyReproducesEveryElement(dtype: DType) throws {
    let x = buffer([1, 0, 3, 1, 5, 0], [2, 3], dtype)
    let out = output([2, 3], dtype)
    try reference.copy(x, out)
    #expect(values(out) == values(x))
  }

  @Test func fillConvertsToTheOutputType() throws {
    let floats = output([3])
    try reference.fill(-2.5, floats)
    #expect(values(floats) == [-2.5, -2.5, -2.5])
    let integers = output([2], .int32)
    try reference.fill(-2.7, integers)
    #expect(values(integers) == [-2, -2])
    let flags = output([2], .bool)
    try reference.fill(0.5, flags)
    #expect(values(flags) == [1, 1])
  }

  @Test func iotaCountsFromStartByStep() throws {
    let floats = output([2, 2], .float64)
    try reference.iota(start: 1.5, step: 0.5, floats)
    #expect(values(floats) == [1.5, 2, 2.5, 3])
    let integers = output([4], .int64)
    try reference.iota(start: 10, step: -3, integers)
    #expect(values(integers) == [10, 7, 4, 1])
  }

  @Test func castFloatsTruncateTowardZeroAndSaturate() throws {
    let x = buffer([-2.7, -0.5, 0, 0.9, 3.99, 1e12], [6])
    let ints = output([6], .int32)
    try reference.cast(x, ints)
    #expect(values(ints) == [-2, 0, 0, 0, 3, Double(Int32.max)])
    let bytes = output([6], .uint8)
    try reference.cast(x, bytes)
    #expect(values(bytes) == [0, 0, 0, 0, 3, 255])
    let flags = output([6], .bool)
    try reference.cast(x, flags)
    #expect(values(flags) == [1, 1, 0, 1, 1, 1])
  }

  @Test func castIntegersWrapAndBoolsBecomeOneOrZero() throws {
    let wide = buffer([300, -1, 5_000_000_000], [3], .int64)
    let narrow = output([3], .int32)
    try reference.cast(wide, narrow)
    #expect(values(narrow) == [300, -1, Double(Int32(truncatingIfNeeded: 5_000_000_000))])
    let bytes = output([3], .uint8)
    try reference.cast(wide, bytes)
    #expect(values(bytes) == [44, 255, Double(UInt8(truncatingIfNeeded: 5_000_000_000))])
    let flags = buffer([1, 0, 1], [3], .bool)
    let floats = output([3], .float64)
    try reference.cast(flags, floats)
    #expect(values(floats) == [1, 0, 1])
  }

  @Test func castSupportsEveryPairOfTypes() throws {
    let types: [DType] = [.float32, .float64, .int32, .int64, .uint8, .bool]
    for source in types {
      #expect(reference.supports(.cast, source))
      for target in types {
        let x = buffer([0, 1, 2], [3], source)
        let out = output([3], target)
        try reference.cast(x, out)
        let expected: [Double] = source == .bool || target == .bool ? [0, 1, 1] : [0, 1, 2]
        #expect(values(out) == expected, "\(source) → \(target)")
      }
    }
  }
}
