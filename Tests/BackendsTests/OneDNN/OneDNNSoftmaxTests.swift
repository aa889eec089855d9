import BackendProtocol
import PlexusOneDNN
import Testing

@Suite struct OneDNNSoftmaxTests {
  @Test(arguments: [OpCode.softmax, .logSoftmax])
  func rowsMatchTheReference(op: OpCode) throws {
    let backend = OneDNNBackend()
    // The last two large enough to run in parts of rows (an odd count).
    for shape: Shape in [[5, 10], [2, 3, 4], [7], [1, 1], [4, 1000], [333, 257], [3, 30_000]] {
      // Large logits: a kernel that skipped subtracting the row's maximum would overflow.
      let x = buffer(randomValues(shape.elementCount, seed: 11, scale: 60), shape)
      let result = try compare(backend, op, [x], [.axis: .int(shape.rank - 1)], shape)
      #expect(result.agrees(within: 1e-5), "\(op) \(shape)")
    }
  }

  @Test func rowsSumToOne() throws {
    let x = buffer(randomValues(64 * 10, seed: 5, scale: 10), [64, 10])
    let out = output([64, 10])
    try OneDNNBackend().softmax(x, out)
    let rows = values(out)
    for row in 0..<64 {
      #expect(Swift.abs(rows[(row * 10)..<(row * 10 + 10)].reduce(0, +) - 1) < 1e-6)
    }
  }

  @Test func otherAxesAreLeftToTheReference() throws {
    let x = buffer(randomValues(12, seed: 1), [3, 4])
    let record = OpRecord(
      .softmax, inputs: [x], attributes: [.axis: .int(0)], outputs: [output([3, 4])])
    let backend = OneDNNBackend()
    #expect(!backend.supports(record))
    #expect(try backend.execute(record) == .unsupported)
  }

  @Test func wrongOutputThrows() throws {
    #expect(throws: PlexusError.self) {
      try OneDNNBackend().softmax(buffer([1, 2, 3, 4], [2, 2]), output([4]))
    }
  }
}
