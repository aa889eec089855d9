import BackendProtocol
import Plexus
import PlexusOneDNN
import Testing

/// oneDNN's batch and layer normalization against the frontend's composites on the reference
/// backend.
@Suite struct OneDNNNormalizationTests {
  /// x's shapes: features last, with size-1 axes, a rank-1 input and many rows.
  static let shapes: [Shape] = [[5, 3], [2, 4, 3, 6], [1, 1, 7], [6], [64, 33]]

  /// The record of `op` with fresh outputs, run on `backend`; its outputs.
  static func execute(
    _ backend: OneDNNBackend, _ op: OpCode, _ inputs: [TensorBuffer], _ attributes: OpAttributes,
    _ shapes: [Shape]
  ) throws -> [[Double]] {
    let record = OpRecord(
      op, inputs: inputs, attributes: attributes, outputs: shapes.map { output($0) })
    #expect(try backend.execute(record) == .done, "\(op)")
    return record.outputs.map(values)
  }

  /// Each composite's outputs on the reference backend.
  static func composite(_ body: () throws -> [Tensor]) throws -> [[Double]] {
    try withBackend("reference") { try body().map { values($0.buffer) } }
  }

  @Test(arguments: shapes)
  func batchNormalizationMatchesTheComposite(shape: Shape) throws {
    let backend = OneDNNBackend()
    let features = shape[shape.rank - 1]
    let perFeature: Shape = [features]
    let x = buffer(randomValues(shape.elementCount, seed: 1), shape)
    let gamma = buffer(randomValues(features, seed: 2), perFeature)
    let beta = buffer(randomValues(features, seed: 3), perFeature)
    let upstream = buffer(randomValues(shape.elementCount, seed: 4), shape)
    let epsilon = 1e-3
    let training: OpAttributes = [.epsilon: .double(epsilon), .training: .bool(true)]
    let forward = try Self.execute(
      backend, .batchNorm, [x, gamma, beta], training, [shape, perFeature, perFeature])
    let expected = try Self.composite {
      try Ops.batchNormalizationTrainingComposite(
        Tensor(x), gamma: Tensor(gamma), beta: Tensor(beta), epsilon: epsilon)
    }
    for (actual, wanted) in zip(forward, expected) {
      #expect(isClose(actual, wanted, tolerance: 1e-5))
    }
    let (mean, variance) = (buffer(forward[1], perFeature), buffer(forward[2], perFeature))
    let inference = try Self.execute(
      backend, .batchNorm, [x, gamma, beta, mean, variance], [.epsilon: .double(epsilon)],
      [shape])
    #expect(isClose(inference[0], expected[0], tolerance: 1e-5))
    let gradients = try Self.execute(
      backend, .batchNormGradient, [x, gamma, mean, variance, upstream],
      [.epsilon: .double(epsilon)], [shape, perFeature, perFeature])
    let expectedGradients = try Self.composite {
      try Ops.batchNormalizationGradientComposite(
        Tensor(x), gamma: Tensor(gamma), mean: Tensor(mean), variance: Tensor(variance),
        upstream: Tensor(upstream), epsilon: epsilon)
    }
    for (actual, wanted) in zip(gradients, expectedGradients) {
      #expect(isClose(actual, wanted, tolerance: 1e-4))
    }
    #expect(!backend.implementations.contains { $0.hasPrefix("ref") })
  }

  @Test(arguments: shapes)
  func layerNormalizationMatchesTheComposite(shape: Shape) throws {
    let backend = OneDNNBackend()
    let features = shape[shape.rank - 1]
    let (perFeature, perRow) = (Shape([features]), Shape(Array(shape.dims.dropLast())))
    let x = buffer(randomValues(shape.elementCount, seed: 5), shape)
    let gamma = buffer(randomValues(features, seed: 6), perFeature)
    let beta = buffer(randomValues(features, seed: 7), perFeature)
    let upstream = buffer(randomValues(shape.elementCount, seed: 8), shape)
    let epsilon = 1e-5
    let attributes: OpAttributes = [.epsilon: .double(epsilon)]
    let forward = try Self.execute(
      backend, .layerNorm, [x, gamma, beta], attributes, [shape, perRow, perRow])
    let expected = try Self.composite {
      try Ops.layerNormalizationComposite(
        Tensor(x), gamma: Tensor(gamma), beta: Tensor(beta), epsilon: epsilon)
    }
    for (actual, wanted) in zip(forward, expected) {
      #expect(isClose(actual, wanted, tolerance: 1e-5))
    }
    let (mean, variance) = (buffer(forward[1], perRow), buffer(forward[2], perRow))
    let gradients = try Self.execute(
      backend, .layerNormGradient, [x, gamma, mean, variance, upstream], attributes,
      [shape, perFeature, perFeature])
    let expectedGradients = try Self.composite {
      try Ops.layerNormalizationGradientComposite(
        Tensor(x), gamma: Tensor(gamma), mean: Tensor(mean), variance: Tensor(variance),
        upstream: Tensor(upstream), epsilon: epsilon)
    }
    for (actual, wanted) in zip(gradients, expectedGradients) {
      #expect(isClose(actual, wanted, tolerance: 1e-4))
    }
  }

  /// An empty batch normalizes nothing: its statistics and parameter gradients are 0, as the
  /// composites compute them, and no primitive is created.
  @Test func anEmptyBatchGivesZeroStatistics() throws {
    let backend = OneDNNBackend()
    let x = buffer([], [0, 3])
    let ones = buffer([1, 1, 1], [3])
    let zeros = buffer([0, 0, 0], [3])
    let forward = try Self.execute(
      backend, .batchNorm, [x, ones, zeros], [.epsilon: .double(1e-3), .training: .bool(true)],
      [[0, 3], [3], [3]])
    #expect(forward == [[], [0, 0, 0], [0, 0, 0]])
    let gradients = try Self.execute(
      backend, .batchNormGradient, [x, ones, zeros, ones, x], [.epsilon: .double(1e-3)],
      [[0, 3], [3], [3]])
    #expect(gradients == [[], [0, 0, 0], [0, 0, 0]])
    let rows = try Self.execute(
      backend, .layerNorm, [buffer([], [2, 0]), buffer([], [0]), buffer([], [0])],
      [.epsilon: .double(1e-3)], [[2, 0], [2], [2]])
    #expect(rows == [[], [0, 0], [0, 0]])
    #expect(backend.primitivesCreated == 0)
  }

  /// A repeated shape reuses its primitives; another epsilon is another primitive.
  @Test func primitivesAreCreatedOncePerShape() throws {
    let backend = OneDNNBackend()
    let x = buffer(randomValues(24, seed: 9), [8, 3])
    let (gamma, beta) = (buffer([1, 2, 3], [3]), buffer([0, 1, 0], [3]))
    let attributes: OpAttributes = [.epsilon: .double(1e-3), .training: .bool(true)]
    _ = try Self.execute(backend, .batchNorm, [x, gamma, beta], attributes, [[8, 3], [3], [3]])
    let created = backend.primitivesCreated
    #expect(created == 1)
    _ = try Self.execute(backend, .batchNorm, [x, gamma, beta], attributes, [[8, 3], [3], [3]])
    #expect(backend.primitivesCreated == created)
    _ = try Self.execute(
      backend, .batchNorm, [x, gamma, beta], attributes.with(.epsilon, .double(1e-5)),
      [[8, 3], [3], [3]])
    #expect(backend.primitivesCreated == created + 1)
  }

  /// Malformed records throw a ``PlexusError`` naming the op, never trap.
  @Test func malformedRecordsNameTheOp() throws {
    let backend = OneDNNBackend()
    let x = buffer(randomValues(6, seed: 10), [2, 3])
    let three = buffer([1, 1, 1], [3])
    let attributes: OpAttributes = [.epsilon: .double(1e-3), .training: .bool(true)]
    let cases: [(String, OpCode, [TensorBuffer], OpAttributes, [Shape])] = [
      (
        "wrong gamma", .batchNorm, [x, buffer([1, 1], [2]), three], attributes, [[2, 3], [3], [3]]
      ),
      (
        "NaN epsilon", .batchNorm, [x, three, three], attributes.with(.epsilon, .double(.nan)),
        [[2, 3], [3], [3]]
      ),
      (
        "rank 0", .layerNorm, [buffer([1], []), three, three], [.epsilon: .double(1)], [[], [], []]
      ),
      ("no epsilon", .layerNorm, [x, three, three], .none, [[2, 3], [2], [2]]),
      (
        "missing statistics", .batchNorm, [x, three, three], [.epsilon: .double(1e-3)],
        [[2, 3]]
      ),
      (
        "wrong upstream", .layerNormGradient,
        [x, three, buffer([0, 0], [2]), buffer([1, 1], [2]), three], [.epsilon: .double(1e-3)],
        [[2, 3], [3], [3]]
      ),
    ]
    for (name, op, inputs, attributes, shapes) in cases {
      let record = OpRecord(
        op, inputs: inputs, attributes: attributes, outputs: shapes.map { output($0) })
      do {
        let status = try backend.execute(record)
        Issue.record("\(name): accepted, \(status)")
      } catch {
        #expect(error is PlexusError && "\(error)".contains("\(op)"), "\(name): \(error)")
      }
    }
  }
}
