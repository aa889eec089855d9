import BackendProtocol
import PlexusReference
import PlexusTestSupport
import Testing

@testable import Plexus

/// The fused sparse softmax cross-entropy against its composite (the oracle) and against finite
/// differences.
@Suite struct SparseSoftmaxCrossEntropyTests {
  let logits: Tensor
  let labels: Tensor

  init() throws {
    logits = try sampleTensor([5, 4], in: -3...3, seed: 41)
    labels = try Tensor([3, 0, 1, 1, 2] as [Int64], shape: [5])
  }

  @Test func fusedEqualsTheComposite() throws {
    let (fused, statistics) = try Dispatcher.recordingStatistics {
      try Ops.sparseSoftmaxCrossEntropy(logits: logits, labels: labels)
    }
    #expect(statistics.dispatchCount(backend: "reference", op: .sparseSoftmaxCrossEntropy) == 1)
    let composite = try Ops.sparseSoftmaxCrossEntropyComposite(logits: logits, labels: labels)
    for (a, b) in zip(try fused.scalars(Double.self), try composite.scalars(Double.self)) {
      #expect(Swift.abs(a - b) < 1e-12)
    }
  }

  @Test func gradientMatchesFiniteDifferencesAndTheComposite() throws {
    let labels = labels
    let problems = try checkGradients(
      of: { try Ops.sparseSoftmaxCrossEntropy(logits: $0[0], labels: labels) }, at: [logits])
    #expect(problems == [])
    func gradient(_ f: (Tensor) throws -> Tensor) throws -> [Double] {
      let tape = GradientTape()
      var x = logits
      tape.watch(&x)
      let loss = try tape.record { try Ops.sum(f(x) * 0.5) }
      return try #require(try tape.gradient(of: loss, wrt: [x])[0]).scalars(Double.self)
    }
    let fused = try gradient { try Ops.sparseSoftmaxCrossEntropy(logits: $0, labels: labels) }
    let composite = try gradient {
      try Ops.sparseSoftmaxCrossEntropyComposite(logits: $0, labels: labels)
    }
    for (a, b) in zip(fused, composite) { #expect(Swift.abs(a - b) < 1e-12) }
  }

  @Test func theLossUsesTheFusedKernelAndNamesABadLabel() throws {
    let loss = SparseCategoricalCrossentropy(fromLogits: true)
    let (_, statistics) = try Dispatcher.recordingStatistics {
      try loss(Ops.cast(labels, to: .int32), Ops.cast(logits, to: .float32))
    }
    // On whichever backend runs it (the default runs the family, or the reference backend).
    func count(_ op: OpCode) -> Int {
      Config.availableBackends.map { statistics.dispatchCount(backend: $0, op: op) }
        .reduce(0, +)
    }
    #expect(count(.sparseSoftmaxCrossEntropy) == 1)
    #expect(count(.logSoftmax) == 0)
    let bad = try Tensor([0, 1, 4, 1, 2] as [Int32], shape: [5])
    let error = #expect(throws: PlexusError.self) { try loss(bad, logits) }
    #expect(error?.description.contains("label 4 is outside the valid range [0, 4)") == true)
  }

  @Test func mismatchedShapesAreNamed() throws {
    let wrong = try Tensor([0, 1] as [Int32], shape: [2])
    #expect(throws: PlexusError.self) {
      try Ops.sparseSoftmaxCrossEntropy(logits: logits, labels: wrong)
    }
    #expect(throws: PlexusError.self) {
      try Ops.sparseSoftmaxCrossEntropy(logits: logits, labels: Tensor([1.5] as [Float]))
    }
  }
}

@Suite struct SparseSoftmaxCrossEntropyEdgeTests {
  @Test func theCompositeValidatesToo() throws {
    #expect(throws: PlexusError.self) {
      try Ops.sparseSoftmaxCrossEntropyComposite(
        logits: Tensor(1.5 as Float), labels: Tensor([0] as [Int32]))
    }
  }

  @Test func aRecordWithTooFewLabelsIsRefused() throws {
    let logits = try TensorBuffer.allocate(.float32, [4, 3])
    let labels = try Tensor([0, 1] as [Int32]).buffer
    let out = try TensorBuffer.allocate(.float32, [4])
    let record = OpRecord(
      .sparseSoftmaxCrossEntropy, inputs: [logits, labels], outputs: [out])
    #expect(throws: PlexusError.self) { try ReferenceBackend().execute(record) }
  }

  @Test func secondOrderGradientsMatchTheComposite() throws {
    let logits = try sampleTensor([3, 4], in: -2...2, seed: 43)
    let labels = try Tensor([1, 0, 3] as [Int32], shape: [3])
    func secondOrder(_ loss: (Tensor) throws -> Tensor) throws -> [Double] {
      let outer = GradientTape()
      var x = logits
      outer.watch(&x)
      let gradientNorm = try outer.record { () -> Tensor in
        let inner = GradientTape()
        var y = x
        inner.watch(&y)
        let value = try inner.record { try Ops.sum(loss(y)) }
        let gradient = try #require(try inner.gradient(of: value, wrt: [y])[0])
        return try Ops.sum(Ops.square(gradient))
      }
      return try #require(try outer.gradient(of: gradientNorm, wrt: [x])[0]).scalars(Double.self)
    }
    let fused = try secondOrder { try Ops.sparseSoftmaxCrossEntropy(logits: $0, labels: labels) }
    let composite = try secondOrder {
      try Ops.sparseSoftmaxCrossEntropyComposite(logits: $0, labels: labels)
    }
    #expect(fused.contains { $0 != 0 })
    for (a, b) in zip(fused, composite) { #expect(Swift.abs(a - b) < 1e-10) }
  }
}
