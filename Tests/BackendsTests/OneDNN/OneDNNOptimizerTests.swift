import BackendProtocol
import PlexusOneDNN
import PlexusReference
import Testing

/// oneDNN's Adam (a C kernel with a version per instruction set) against the reference
/// backend's, bit for bit, over several steps.
@Suite struct OneDNNOptimizerTests {
  @Test(arguments: [1, 33, 16_384 + 7, 100_000])
  func adamGivesTheReferenceBits(count: Int) throws {
    let onednn = OneDNNBackend()
    let reference = ReferenceBackend()
    var gradientValues = randomValues(count, seed: 4, scale: 1)
    // Tiny gradients whose squares and moments fall into the subnormal range, zeros, and a
    // subnormal gradient itself.
    for index in stride(from: 0, to: count, by: 5) { gradientValues[index] *= 1e-20 }
    for index in stride(from: 1, to: count, by: 7) { gradientValues[index] = 0 }
    if count > 2 { gradientValues[2] = 1e-40 }
    let gradient = buffer(gradientValues, [count])
    func state() -> [TensorBuffer] {
      [
        buffer(randomValues(count, seed: 1), [count]),
        buffer([Double](repeating: 0, count: count), [count]),
        buffer([Double](repeating: 0, count: count), [count]),
      ]
    }
    let (ours, theirs) = (state(), state())
    for step in 1...4 {
      let hyper = AdamHyperparameters(
        learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: step)
      try onednn.adamUpdate(
        variable: ours[0], gradient: gradient, m: ours[1], v: ours[2], hyper)
      try reference.adamUpdate(
        variable: theirs[0], gradient: gradient, m: theirs[1], v: theirs[2], hyper)
    }
    for (a, b) in zip(ours, theirs) {
      let same = (0..<count).allSatisfy {
        a.pointer(Float.self)[$0].bitPattern == b.pointer(Float.self)[$0].bitPattern
      }
      #expect(same)
    }
  }

  /// A record with a mismatched operand is refused before any variable is written.
  @Test func aMismatchedRecordWritesNothing() throws {
    let backend = OneDNNBackend()
    let variable = buffer([1, 2, 3], [3])
    let record = OpRecord(
      .adamUpdate,
      inputs: [
        variable, buffer([1, 1, 1], [3]), buffer([0, 0, 0], [3]), buffer([0, 0], [2]),
        buffer([0.1], [], .float64), buffer([1], [], .int64),
      ],
      attributes: [.beta1: .double(0.9), .beta2: .double(0.999), .epsilon: .double(1e-7)],
      outputs: [])
    #expect(throws: PlexusError.self) { try backend.execute(record) }
    #expect(values(variable) == [1, 2, 3])
  }
}
