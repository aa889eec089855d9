import BackendProtocol
import Plexus
import PlexusOneDNN
import Testing

/// oneDNN's poolings against the frontend's composites on the reference backend.
@Suite struct OneDNNPoolingTests {
  /// `(input, window, strides, padding)`: disjoint and overlapping windows, strides, padding
  /// on every side (never counted by the average, never chosen by the maximum).
  static let cases: [(Shape, [Int], [Int], [Int])] = [
    ([2, 6, 7, 3], [2, 2], [2, 2], [0, 0, 0, 1]),
    ([1, 5, 5, 2], [3, 3], [1, 2], [1, 1, 1, 1]),
    ([2, 4, 3, 1], [1, 3], [1, 1], [0, 0, 1, 1]),
    ([3, 13, 11, 17], [3, 3], [2, 2], [1, 1, 1, 1]),
    // Disjoint windows without padding: uncovered last row and
    // column, channels past a multiple of 16, gaps between windows.
    ([2, 7, 9, 35], [2, 2], [2, 2], [0, 0, 0, 0]),
    ([1, 8, 11, 16], [2, 3], [3, 4], [0, 0, 0, 0]),
    // Large enough to run in parts: one image (fewer images than parts), and an odd batch.
    ([1, 64, 64, 20], [2, 2], [2, 2], [0, 0, 0, 0]),
    ([3, 40, 30, 24], [3, 3], [2, 2], [1, 1, 1, 1]),
  ]

  @Test(arguments: 0..<cases.count)
  func passesMatchTheComposites(index: Int) throws {
    let (input, window, strides, padding) = Self.cases[index]
    let g = try Pooling2D(input: input, window: window, strides: strides, padding: padding)
    let backend = OneDNNBackend()
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let upstream = buffer(randomValues(g.outputShape.elementCount, seed: 2), g.outputShape)
    let (tensorX, tensorUpstream) = (Tensor(x), Tensor(upstream))

    let maxima = output(g.outputShape)
    try backend.maxPool2d(x, g, maxima)
    let expectedMaxima = try withBackend("reference") { try Ops.maxPool2dComposite(tensorX, g) }
    #expect(values(maxima) == values(expectedMaxima.buffer))

    let means = output(g.outputShape)
    try backend.avgPool2d(x, g, means)
    let expectedMeans = try withBackend("reference") {
      try Ops.averagePool2dComposite(tensorX, g)
    }
    #expect(isClose(values(means), values(expectedMeans.buffer), tolerance: 1e-6))

    let maxGradient = output(g.inputShape)
    try backend.maxPool2dGradient(x, upstream, g, maxGradient)
    let expectedMaxGradient = try withBackend("reference") {
      try Ops.maxPool2dGradientComposite(tensorX, tensorUpstream, g)
    }
    #expect(isClose(values(maxGradient), values(expectedMaxGradient.buffer), tolerance: 1e-6))

    let meanGradient = output(g.inputShape)
    try backend.avgPool2dGradient(upstream, g, meanGradient)
    let expectedMeanGradient = try withBackend("reference") {
      try Ops.averagePool2dGradientComposite(tensorUpstream, g)
    }
    #expect(isClose(values(meanGradient), values(expectedMeanGradient.buffer), tolerance: 1e-6))
    #expect(!backend.implementations.contains { $0.hasPrefix("ref") })
  }

  /// Among equal values the gradient goes to the window's first maximum in row-major order,
  /// as TensorFlow (and the composite) choose.
  @Test func tiesGoToTheFirstMaximum() throws {
    let g = try Pooling2D(
      input: [1, 2, 2, 1], window: [2, 2], strides: [2, 2], padding: [0, 0, 0, 0])
    let gradient = output([1, 2, 2, 1])
    try OneDNNBackend().maxPool2dGradient(
      buffer([1, 3, 3, 3], [1, 2, 2, 1]), buffer([5], [1, 1, 1, 1]), g, gradient)
    #expect(values(gradient) == [0, 5, 0, 0])
    // Sixteen channels at once: every channel ties everywhere but channel 3, whose maximum
    // is the last cell.
    let wideGeometry = try Pooling2D(
      input: [1, 2, 2, 16], window: [2, 2], strides: [2, 2], padding: [0, 0, 0, 0])
    let wide = output([1, 2, 2, 16])
    var cells = [Double](repeating: 2, count: 64)
    cells[48 + 3] = 7
    try OneDNNBackend().maxPool2dGradient(
      buffer(cells, [1, 2, 2, 16]), buffer((0..<16).map { Double($0 + 1) }, [1, 1, 1, 16]),
      wideGeometry, wide)
    let result = values(wide)
    for channel in 0..<16 {
      let expected: [Double] =
        channel == 3 ? [0, 0, 0, 4] : [Double(channel + 1), 0, 0, 0]
      #expect((0..<4).map { result[$0 * 16 + channel] } == expected, "channel \(channel)")
    }
  }

  /// A NaN in a window: oneDNN's maximum would skip it, so the backend pools such an input
  /// itself, as the composite does (NaN out, and the gradient at the window's first NaN).
  @Test func nanPropagatesAsInTheComposite() throws {
    let g = try Pooling2D(
      input: [1, 4, 4, 2], window: [3, 3], strides: [1, 1], padding: [1, 1, 1, 1])
    var elements = randomValues(32, seed: 6)
    elements[10] = .nan
    elements[21] = .nan
    let x = buffer(elements, [1, 4, 4, 2])
    let upstream = buffer(randomValues(32, seed: 7), [1, 4, 4, 2])
    let backend = OneDNNBackend()
    let maxima = output(g.outputShape)
    try backend.maxPool2d(x, g, maxima)
    let expected = try withBackend("reference") { try Ops.maxPool2dComposite(Tensor(x), g) }
    #expect(isClose(values(maxima), values(expected.buffer), tolerance: 0))
    let gradient = output(g.inputShape)
    try backend.maxPool2dGradient(x, upstream, g, gradient)
    let expectedGradient = try withBackend("reference") {
      try Ops.maxPool2dGradientComposite(Tensor(x), Tensor(upstream), g)
    }
    #expect(isClose(values(gradient), values(expectedGradient.buffer), tolerance: 1e-6))
    let mean = output(g.outputShape)
    try backend.avgPool2d(x, g, mean)
    #expect(values(mean).contains { $0.isNaN })
  }

  /// A pooling large enough to run in parts gives the same bits at one thread and two.
  @Test func largePoolingsDoNotDependOnTheThreadCount() throws {
    let g = try Pooling2D(
      input: [8, 64, 64, 32], window: [3, 3], strides: [2, 2], padding: [1, 1, 1, 1])
    #expect(g.inputShape.elementCount >= OneDNNBackend.parallelElementsFrom)
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 3), g.inputShape)
    let upstream = buffer(randomValues(g.outputShape.elementCount, seed: 4), g.outputShape)
    var results: [[UInt32]] = []
    for threads in [1, 2] {
      let backend = OneDNNBackend()
      backend.setThreadCount(threads)
      let gradient = output(g.inputShape)
      try backend.maxPool2dGradient(x, upstream, g, gradient)
      results.append((0..<gradient.count).map { gradient.pointer(Float.self)[$0].bitPattern })
    }
    #expect(results[0] == results[1])
  }

  /// A stride past the input gives one window per axis.
  @Test func aStridePastTheInputGivesOneWindow() throws {
    let g = try Pooling2D(
      input: [1, 4, 5, 2], window: [3, 2], strides: [Int.max, Int.max], padding: [1, 1, 0, 1])
    #expect(g.outputShape == [1, 1, 1, 2])
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let out = output(g.outputShape)
    try OneDNNBackend().avgPool2d(x, g, out)
    let expected = try withBackend("reference") { try Ops.averagePool2dComposite(Tensor(x), g) }
    #expect(isClose(values(out), values(expected.buffer), tolerance: 1e-6))
  }

  /// Windows larger than the input (Keras's `"same"` padding of a large pool size) are pooled
  /// in plain Swift, cell by cell of the input only: oneDNN walks the padding, and a 2⁴⁰-cell
  /// window would never finish.
  @Test func windowsLargerThanTheInput() throws {
    let backend = OneDNNBackend()
    let x = buffer(randomValues(18, seed: 8), [1, 3, 3, 2])
    let upstream = buffer(randomValues(18, seed: 9), [1, 3, 3, 2])
    let g = try Pooling2D(
      input: [1, 3, 3, 2], window: [5, 4], strides: [1, 1], padding: [2, 2, 2, 1])
    for op in [OpCode.maxPool2d, .maxPool2dGradient, .avgPool2d, .avgPool2dGradient] {
      let inputs =
        op == .maxPool2dGradient ? [x, upstream] : op == .avgPool2dGradient ? [upstream] : [x]
      let result = try compare(
        backend, op, inputs, g.attributes, [1, 3, 3, 2],
        composite: {
          switch op {
          case .maxPool2d: try Ops.maxPool2dComposite(Tensor(x), g)
          case .maxPool2dGradient:
            try Ops.maxPool2dGradientComposite(Tensor(x), Tensor(upstream), g)
          case .avgPool2d: try Ops.averagePool2dComposite(Tensor(x), g)
          default: try Ops.averagePool2dGradientComposite(Tensor(upstream), g)
          }
        })
      #expect(result.agrees(within: 1e-6), "\(op): \(result)")
    }
    // A window the composite (the oracle) could not gather is refused as it refuses it.
    let huge = 1 << 40
    let global = try Pooling2D(
      input: [1, 3, 3, 2], window: [huge, huge], strides: [1, 1],
      padding: [huge / 2, huge / 2 - 1, huge / 2, huge / 2 - 1])
    #expect(global.outputShape == [1, 3, 3, 2])
    #expect(throws: PlexusError.self) { try backend.maxPool2d(x, global, output([1, 3, 3, 2])) }
  }

  @Test func mismatchedOperandsThrow() throws {
    let g = try Pooling2D(
      input: [1, 4, 4, 2], window: [2, 2], strides: [2, 2], padding: [0, 0, 0, 0])
    let backend = OneDNNBackend()
    let x = buffer(randomValues(32, seed: 1), [1, 4, 4, 2])
    #expect(throws: PlexusError.self) { try backend.maxPool2d(x, g, output([1, 2, 2, 1])) }
    #expect(throws: PlexusError.self) { try backend.avgPool2dGradient(x, g, output([1, 4, 4, 2])) }
    #expect(throws: PlexusError.self) {
      try backend.maxPool2dGradient(x, x, g, output([1, 4, 4, 2]))
    }
  }

  /// A max pooling in training keeps its workspace for the gradient that follows, which then
  /// runs the backward pass alone and gives the same bits as the gradient that pools again.
  @Test(arguments: [0, 4, 6, 7])
  func aTrainingPoolingKeepsItsWorkspaceForTheGradient(index: Int) throws {
    let (input, window, strides, padding) = Self.cases[index]
    let g = try Pooling2D(input: input, window: window, strides: strides, padding: padding)
    let x = buffer(randomValues(g.inputShape.elementCount, seed: 1), g.inputShape)
    let upstream = buffer(randomValues(g.outputShape.elementCount, seed: 2), g.outputShape)
    let backend = OneDNNBackend()
    let record = OpRecord(
      .maxPool2d, inputs: [x], attributes: g.attributes.with(.training, .bool(true)),
      outputs: [output(g.outputShape)])
    #expect(try backend.execute(record) == .done)
    #expect(backend.keptPoolingWorkspaces == 1)
    let plain = output(g.outputShape)
    try backend.maxPool2d(x, g, plain)
    #expect(values(record.outputs[0]) == values(plain))

    let fromWorkspace = output(g.inputShape)
    try backend.maxPool2dGradient(x, upstream, g, fromWorkspace)
    #expect(backend.keptPoolingWorkspaces == 0)
    let pooledAgain = output(g.inputShape)
    try backend.maxPool2dGradient(x, upstream, g, pooledAgain)
    #expect(values(fromWorkspace) == values(pooledAgain))
    // Another input of the same sizes finds no workspace of its own.
    let other = buffer(randomValues(g.inputShape.elementCount, seed: 9), g.inputShape)
    #expect(try backend.execute(record) == .done)
    let otherGradient = output(g.inputShape)
    try backend.maxPool2dGradient(other, upstream, g, otherGradient)
    let expected = try withBackend("reference") {
      try Ops.maxPool2dGradientComposite(Tensor(other), Tensor(upstream), g)
    }
    // Overlapping windows add their shares in another order than the composite.
    #expect(isClose(values(otherGradient), values(expected.buffer), tolerance: 1e-6))
  }

  /// An input holding NaN is pooled by the plain path in training too, and keeps nothing.
  @Test func aTrainingPoolingOfNaNKeepsNoWorkspace() throws {
    let g = try Pooling2D(
      input: [1, 2, 2, 1], window: [2, 2], strides: [2, 2], padding: [0, 0, 0, 0])
    let x = buffer([1, .nan, 3, 2], [1, 2, 2, 1])
    let backend = OneDNNBackend()
    let record = OpRecord(
      .maxPool2d, inputs: [x], attributes: g.attributes.with(.training, .bool(true)),
      outputs: [output([1, 1, 1, 1])])
    #expect(try backend.execute(record) == .done)
    #expect(values(record.outputs[0])[0].isNaN)
    #expect(backend.keptPoolingWorkspaces == 0)
    let gradient = output([1, 2, 2, 1])
    try backend.maxPool2dGradient(x, buffer([5], [1, 1, 1, 1]), g, gradient)
    #expect(values(gradient) == [0, 5, 0, 0])
  }
}
