import BackendProtocol
import PlexusOneDNN
import Testing

@Suite struct OneDNNReductionTests {
  static let axisSets: [[Int]] = [
    [0], [1], [2], [3], [0, 1], [1, 2], [2, 3], [0, 2], [1, 3], [0, 3], [0, 1, 3], [0, 1, 2, 3],
  ]

  @Test(arguments: [OpCode.sum, .max, .min, .prod])
  func axisSetsMatchTheReference(op: OpCode) throws {
    let backend = OneDNNBackend()
    let shape: Shape = [2, 3, 4, 5]
    // Products of 120 values stay finite and away from rounding trouble near 1.
    let scale = op == .prod ? 0.5 : 3
    let x = buffer(
      randomValues(shape.elementCount, seed: 7, scale: scale).map { op == .prod ? 1 + $0 : $0 },
      shape)
    for axes in Self.axisSets {
      let kept = Shape(shape.indices.filter { !axes.contains($0) }.map { shape[$0] })
      let result = try compare(backend, op, [x], [.axes: .ints(axes)], kept)
      // One innermost reduced run (any op), or one run anywhere (a sum): oneDNN runs it;
      // otherwise it answers unsupported, as supports(record) said up front.
      let runs = axes.last == 3 && axes == Array((axes[0])...3)
      let fast = runs || (op == .sum && axes == Array((axes[0])...(axes[axes.count - 1])))
      let record = OpRecord(
        op, inputs: [x], attributes: [.axes: .ints(axes)], outputs: [output(kept)])
      #expect(backend.supports(record) == fast, "\(op) over \(axes)")
      if fast {
        #expect(result.agrees(within: 1e-5), "\(op) over \(axes): \(result)")
      } else {
        #expect(result.status == .unsupported, "\(op) over \(axes)")
      }
    }
  }

  @Test func sizeOneAxesAndLongRows() throws {
    let backend = OneDNNBackend()
    // Only size-1 axes reduced: the input itself.
    let x = buffer(randomValues(12, seed: 1), [3, 1, 4])
    #expect(try compare(backend, .sum, [x], [.axes: .ints([1])], [3, 4]).agrees())
    // Size-1 axes between reduced ones merge away: one innermost run.
    let y = buffer(randomValues(60, seed: 2), [3, 1, 4, 1, 5])
    #expect(try compare(backend, .max, [y], [.axes: .ints([1, 2, 3, 4])], [3]).agrees())
    // A sum over a middle run, as a product with ones.
    let z = buffer(randomValues(2 * 300 * 7, seed: 4), [2, 300, 7])
    #expect(try compare(backend, .sum, [z], [.axes: .ints([1])], [2, 7]).agrees(within: 1e-4))
    let long = buffer(randomValues(3 * 10_000, seed: 3), [3, 10_000])
    #expect(try compare(backend, .sum, [long], [.axes: .ints([1])], [3]).agrees(within: 1e-4))
  }

  /// A reduction over an empty axis writes the identity the reference's kernels start from.
  /// (The frontend never sends one: it fills sums and products itself and refuses the rest,
  /// as NumPy does; the reference's kernels assume a non-empty axis.)
  @Test func emptyReductionsGiveTheIdentity() throws {
    let backend = OneDNNBackend()
    let empty = buffer([], [3, 0])
    for (op, identity) in [(OpCode.sum, 0.0), (.prod, 1), (.max, -.infinity), (.min, .infinity)] {
      let out = output([3])
      try backend.reduce(op, empty, axes: [1], out)
      #expect(values(out) == [identity, identity, identity], "\(op)")
    }
    // An empty output: nothing to write.
    #expect(try compare(backend, .sum, [empty], [.axes: .ints([0])], [0]).agrees())
    #expect(backend.primitivesCreated == 0)
  }

  @Test func invalidAxesAndOutputsThrow() throws {
    let backend = OneDNNBackend()
    let x = buffer(randomValues(6, seed: 1), [2, 3])
    for axes in [[2], [-1], [1, 0], [0, 0], []] {
      #expect(throws: PlexusError.self, "\(axes)") {
        try backend.reduce(.sum, x, axes: axes, output([2]))
      }
    }
    #expect(throws: PlexusError.self) { try backend.reduce(.sum, x, axes: [1], output([3])) }
    #expect(throws: UnsupportedOp.self) { try backend.reduce(.argmax, x, axes: [1], output([2])) }
  }
}
