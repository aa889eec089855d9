import BackendProtocol
import Plexus
import PlexusOneDNN
import Testing

/// oneDNN's convolutions against the frontend's composites (an im2col gather and a product on
/// the reference backend), the oracle of the family.
@Suite struct OneDNNConvolutionTests {
  /// `(input, filter, strides, dilations, padding, groups)`: small ones run whole, the larger
  /// ones (from 2¹⁶ multiply-adds) in batch chunks, one per core, of unequal sizes when the
  /// batch is odd; strides, dilation, uneven padding, groups and a depthwise convolution.
  static let cases: [(Shape, Shape, [Int], [Int], [Int], Int)] = [
    ([2, 6, 7, 3], [3, 3, 3, 4], [2, 1], [1, 1], [1, 1, 0, 2], 1),
    ([4, 12, 12, 8], [3, 3, 8, 16], [1, 1], [1, 1], [1, 1, 1, 1], 1),
    ([3, 16, 16, 4], [5, 5, 4, 8], [1, 1], [2, 2], [4, 4, 4, 4], 1),
    ([5, 10, 10, 6], [3, 3, 1, 12], [2, 2], [1, 1], [1, 1, 1, 1], 6),
    ([3, 9, 9, 6], [3, 3, 2, 6], [1, 2], [1, 1], [0, 1, 1, 0], 3),
    ([2, 1, 6, 5], [1, 1, 5, 3], [1, 1], [1, 1], [0, 0, 0, 0], 1),
  ]

  private func geometry(_ index: Int) throws -> Convolution2D {
    let (input, filter, strides, dilations, padding, groups) = Self.cases[index]
    return try Convolution2D(
      input: input, filter: filter, strides: strides, dilations: dilations, padding: padding,
      groups: groups)
  }

  @Test(arguments: 0..<cases.count)
  func passesMatchTheComposites(index: Int) throws {
    let g = try geometry(index)
    let backend = OneDNNBackend()
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let filter = buffer(randomValues(g.filterShape.elementCount, seed: 2), g.filterShape)
    let upstream = buffer(randomValues(g.outputShape.elementCount, seed: 3), g.outputShape)

    let forward = output(g.outputShape)
    try backend.conv2d(x, filter, g, forward)
    let expectedForward = try withBackend("reference") {
      try Ops.conv2dComposite(Tensor(x), Tensor(filter), g)
    }
    #expect(isClose(values(forward), values(expectedForward.buffer), tolerance: 1e-4))

    let input = output(g.inputShape)
    try backend.conv2dBackwardInput(upstream, filter, g, input)
    let expectedInput = try withBackend("reference") {
      try Ops.conv2dBackwardInputComposite(Tensor(upstream), Tensor(filter), g)
    }
    #expect(isClose(values(input), values(expectedInput.buffer), tolerance: 1e-4))

    let gradient = output(g.filterShape)
    try backend.conv2dBackwardFilter(x, upstream, g, gradient)
    let expectedFilter = try withBackend("reference") {
      try Ops.conv2dBackwardFilterComposite(Tensor(x), Tensor(upstream), g)
    }
    #expect(isClose(values(gradient), values(expectedFilter.buffer), tolerance: 1e-4))
    #expect(!backend.implementations.contains { $0.hasPrefix("ref") })
  }

  /// 3×3 convolutions of stride 1 between multiples of 16 channels run on oneDNN's Winograd
  /// kernels (their activations reordered into its blocked layouts and back), forward, fused
  /// and the filter's gradient; a backend made without them runs its direct kernels.
  ///
  /// Winograd's rounding is bounded by the sum of the terms' magnitudes, as any summation
  /// order's is, not by the result's (a result near 0 from large terms has a large relative
  /// error however it is summed), so each element is held to 1e-5 of that sum (the same
  /// convolution of |x| and |w|): measured 5.9e-7 on Winograd, 1.6e-7 on the direct kernels.
  @Test(arguments: [true, false])
  func winogradConvolutionsMatchTheComposites(usesWinograd: Bool) throws {
    let backend = OneDNNBackend(usesWinograd: usesWinograd)
    let cases: [(Shape, Shape, [Int])] = [
      ([5, 9, 9, 16], [3, 3, 16, 32], [1, 1, 1, 1]),
      ([2, 8, 7, 32], [3, 3, 32, 16], [0, 0, 0, 0]),
    ]
    for (input, filter, padding) in cases {
      let g = try Convolution2D(
        input: input, filter: filter, strides: [1, 1], dilations: [1, 1], padding: padding,
        groups: 1)
      let x = Tensor(buffer(randomValues(g.inputShape.elementCount, seed: 6), g.inputShape))
      let w = Tensor(buffer(randomValues(g.filterShape.elementCount, seed: 7), g.filterShape))
      let bias = buffer(randomValues(g.filters, seed: 8), [g.filters])
      let upstream = Tensor(
        buffer(randomValues(g.outputShape.elementCount, seed: 9), g.outputShape))
      let (forward, forwardBound, filterGradient, filterBound) = try withBackend("reference") {
        (
          values(try Ops.conv2dComposite(x, w, g).buffer),
          values(try Ops.conv2dComposite(Ops.abs(x), Ops.abs(w), g).buffer),
          values(try Ops.conv2dBackwardFilterComposite(x, upstream, g).buffer),
          values(
            try Ops.conv2dBackwardFilterComposite(Ops.abs(x), Ops.abs(upstream), g).buffer)
        )
      }
      func expectWithin(_ got: TensorBuffer, _ expected: [Double], _ bound: [Double]) {
        let worst =
          zip(zip(values(got), expected), bound).map { pair, sum in
            abs(pair.0 - pair.1) / Swift.max(sum, 1e-3)
          }.max() ?? 0
        #expect(worst <= 1e-5, "error \(worst) of the sum of the terms' magnitudes")
      }
      let out = output(g.outputShape)
      try backend.conv2d(x.buffer, w.buffer, g, out)
      expectWithin(out, forward, forwardBound)
      let fused = output(g.outputShape)
      try backend.conv2d(x.buffer, w.buffer, bias: bias, activation: .relu, g, fused)
      let biases = (0..<g.filters).map { Double(bias.pointer(Float.self)[$0]) }
      expectWithin(
        fused, forward.indices.map { Swift.max(0, forward[$0] + biases[$0 % g.filters]) },
        forwardBound.indices.map { forwardBound[$0] + abs(biases[$0 % g.filters]) })
      let gradient = output(g.filterShape)
      try backend.conv2dBackwardFilter(x.buffer, upstream.buffer, g, gradient)
      expectWithin(gradient, filterGradient, filterBound)
    }
    #expect(backend.implementations.contains { $0.hasPrefix("jit_wino") } == usesWinograd)
    #expect(!backend.implementations.contains { $0.hasPrefix("ref") })
  }

  /// The filter's gradient is summed per batch chunk in chunk order, and the chunks depend on
  /// the sizes alone: one thread or two give the same bits.
  @Test func filterGradientsDoNotDependOnTheThreadCount() throws {
    let g = try geometry(2)
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 4), g.inputShape)
    let upstream = buffer(randomValues(g.outputShape.elementCount, seed: 5), g.outputShape)
    var results: [[UInt32]] = []
    for threads in [1, 2] {
      let backend = OneDNNBackend()
      backend.setThreadCount(threads)
      let gradient = output(g.filterShape)
      try backend.conv2dBackwardFilter(x, upstream, g, gradient)
      results.append((0..<gradient.count).map { gradient.pointer(Float.self)[$0].bitPattern })
    }
    #expect(results[0] == results[1])
  }

  /// Empty batches and channels, and an empty input whose padding alone gives an output.
  @Test func emptyConvolutions() throws {
    let backend = OneDNNBackend()
    let noImages = try Convolution2D(
      input: [0, 5, 5, 2], filter: [3, 3, 2, 4], strides: [1, 1], dilations: [1, 1],
      padding: [1, 1, 1, 1], groups: 1)
    try backend.conv2d(
      buffer([], noImages.inputShape), buffer(randomValues(72, seed: 1), noImages.filterShape),
      noImages, output(noImages.outputShape))
    let noChannels = try Convolution2D(
      input: [2, 4, 4, 0], filter: [3, 3, 0, 4], strides: [1, 1], dilations: [1, 1],
      padding: [1, 1, 1, 1], groups: 1)
    let zeros = output(noChannels.outputShape)
    try backend.conv2d(
      buffer([], noChannels.inputShape), buffer([], noChannels.filterShape), noChannels, zeros)
    #expect(values(zeros) == [Double](repeating: 0, count: zeros.count))
    let onlyPadding = try Convolution2D(
      input: [1, 0, 3, 2], filter: [1, 1, 2, 3], strides: [1, 1], dilations: [1, 1],
      padding: [1, 1, 0, 0], groups: 1)
    let padded = output(onlyPadding.outputShape)
    try backend.conv2d(
      buffer([], onlyPadding.inputShape), buffer(randomValues(6, seed: 2), onlyPadding.filterShape),
      onlyPadding, padded)
    #expect(padded.count == 18 && values(padded) == [Double](repeating: 0, count: 18))
    let filterGradient = output(onlyPadding.filterShape)
    try backend.conv2dBackwardFilter(
      buffer([], onlyPadding.inputShape), buffer(randomValues(18, seed: 3), [1, 2, 3, 3]),
      onlyPadding, filterGradient)
    #expect(values(filterGradient) == [Double](repeating: 0, count: 6))
    #expect(backend.primitivesCreated == 0)
  }

  /// A stride past the input gives one window (Keras allows it); oneDNN takes no stride from
  /// 2³¹, so the backend passes the smallest stride that gives one window.
  @Test func aStridePastTheInputGivesOneWindow() throws {
    let g = try Convolution2D(
      input: [2, 5, 6, 3], filter: [3, 3, 3, 2], strides: [Int.max, 1 << 40],
      dilations: [1, 1], padding: [1, 1, 0, 0], groups: 1)
    #expect(g.outputShape == [2, 1, 1, 2])
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let filter = buffer(randomValues(g.filterShape.elementCount, seed: 2), g.filterShape)
    let out = output(g.outputShape)
    try OneDNNBackend().conv2d(x, filter, g, out)
    let expected = try withBackend("reference") {
      try Ops.conv2dComposite(Tensor(x), Tensor(filter), g)
    }
    #expect(isClose(values(out), values(expected.buffer), tolerance: 1e-5))
  }

  @Test func mismatchedOperandsThrow() throws {
    let backend = OneDNNBackend()
    let g = try geometry(0)
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let filter = buffer(randomValues(g.filterShape.elementCount, seed: 2), g.filterShape)
    #expect(throws: PlexusError.self) { try backend.conv2d(x, filter, g, output([1, 2, 3, 4])) }
    #expect(throws: PlexusError.self) { try backend.conv2d(filter, x, g, output(g.outputShape)) }
    #expect(throws: PlexusError.self) {
      try backend.conv2d(
        buffer(values(x), g.inputShape, .float64), filter, g, output(g.outputShape))
    }
  }

  /// Inference with the same filter reorders it into oneDNN's layout once; a new filter is
  /// reordered anew, and each result is its own filter's.
  @Test func aFilterIsReorderedOnceWhileItLives() throws {
    let g = try geometry(1)
    let backend = OneDNNBackend(keepsReorderedFilters: true)
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let first = buffer(randomValues(g.filterShape.elementCount, seed: 2), g.filterShape)
    let second = buffer(randomValues(g.filterShape.elementCount, seed: 5), g.filterShape)
    func forward(_ filter: TensorBuffer) throws -> [Double] {
      let out = output(g.outputShape)
      try backend.conv2d(x, filter, g, out)
      return values(out)
    }
    let once = try forward(first)
    let reorders = backend.filterReorderCount
    #expect(reorders >= 1)
    #expect(try forward(first) == once)
    #expect(backend.filterReorderCount == reorders)
    let other = try forward(second)
    #expect(backend.filterReorderCount > reorders)
    let expected = try withBackend("reference") {
      try Ops.conv2dComposite(Tensor(x), Tensor(second), g)
    }
    #expect(isClose(other, values(expected.buffer), tolerance: 1e-4))
  }

  /// A layer's kernel changed in place (set_weights, an optimizer step) is never read from a
  /// stale reordered copy: the variable copies its storage first while the cache holds it.
  @Test func updatedWeightsAreNeverReadStale() throws {
    let layer = Conv2D(8, kernelSize: 3)
    let x = try withRandomSeed(3) { try Ops.randomUniform([4, 12, 12, 5]) }
    func run(_ backend: String) throws -> [Float] {
      try withBackend(backend) { try layer(x).scalars(Float.self) }
    }
    _ = try run("onednn")
    for seed in [7, 8] {
      let kernel = try withRandomSeed(UInt64(seed)) { try Ops.randomNormal([3, 3, 5, 8]) }
      let bias = try withRandomSeed(UInt64(seed + 10)) { try Ops.randomNormal([8]) }
      try layer.setWeights([kernel, bias])
      let (actual, expected) = (try run("onednn"), try run("reference"))
      #expect(zip(actual, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-4 })
      // Twice: the second run finds the reordered kernel, and it is still this one.
      #expect(try run("onednn") == actual)
    }
    // An optimizer step writes the variables in place (on oneDNN, with its host kernels).
    let optimizer = SGD(learningRate: 0.5)
    for _ in 0..<2 {
      let before = try run("onednn")
      let steps = try layer.trainableWeights.map { try Ops.onesLike($0.value) }
      try withBackend("onednn") { try optimizer.apply(steps, to: layer.trainableWeights) }
      let (actual, expected) = (try run("onednn"), try run("reference"))
      #expect(zip(actual, before).contains { $0 != $1 })
      #expect(zip(actual, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-4 })
    }
  }
}
