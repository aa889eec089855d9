import BackendProtocol
import PlexusReference
import Testing

@testable import Plexus

/// One `adam_update` record per step: what it accepts and what it refuses.
@Suite struct FusedAdamTests {
  @Test func aVariableListedTwiceIsAnError() throws {
    let variable = Variable(try Tensor([1, 2] as [Float]))
    let gradient = try Tensor([0.5, 0.5] as [Float])
    let error = #expect(throws: PlexusError.self) {
      try Adam().apply([gradient, gradient], to: [variable, variable])
    }
    #expect(error?.description.contains("twice") == true)
    #expect(try variable.value.scalars(Float.self) == [1, 2])
  }

  @Test func manyVariablesInOneStepMatchTheComposite() throws {
    // More variables than one record holds, so the step takes several records.
    let count = Adam.variablesPerRecord + 5
    func run(fused: Bool) throws -> [[Float]] {
      let variables = try (0..<count).map { index in
        Variable(try Tensor((0..<3).map { Float(index + $0) } as [Float]))
      }
      let gradients = try (0..<count).map { index in
        try Tensor((0..<3).map { Float(index - $0) * 0.1 } as [Float])
      }
      let optimizer = Adam(learningRate: 0.01)
      optimizer.useFusedKernels = fused
      for _ in 0..<3 { try optimizer.apply(gradients, to: variables) }
      return try variables.map { try $0.value.scalars(Float.self) }
    }
    let fused = try run(fused: true)
    let composite = try run(fused: false)
    for (a, b) in zip(fused.joined(), composite.joined()) { #expect(Swift.abs(a - b) < 1e-6) }
  }

  @Test func aMalformedRecordChangesNothing() throws {
    let backend = ReferenceBackend()
    let w = try TensorBuffer.allocate(.float32, [2])
    w.pointer(Float.self).update(repeating: 1, count: 2)
    let rate = Tensor(0.1).buffer
    let step = Tensor(Int64(1)).buffer
    let short = try TensorBuffer.allocate(.float32, [1])
    let g = try TensorBuffer.allocate(.float32, [2])
    g.pointer(Float.self).update(repeating: 1, count: 2)
    let attributes: OpAttributes = [
      .beta1: .double(0.9), .beta2: .double(0.999), .epsilon: .double(1e-7),
    ]
    // The second group's moment is the wrong size: the first group must not be updated either.
    let record = OpRecord(
      .adamUpdate, inputs: [w, g, g, g, w, g, short, g, rate, step], attributes: attributes,
      outputs: [])
    #expect(throws: PlexusError.self) { try backend.execute(record) }
    #expect(Array(UnsafeBufferPointer(start: w.pointer(Float.self), count: 2)) == [1, 1])
    let badStep = OpRecord(
      .adamUpdate, inputs: [w, g, g, g, rate, Tensor(Double.nan).buffer], attributes: attributes,
      outputs: [])
    #expect(throws: PlexusError.self) { try backend.execute(badStep) }
  }
}
