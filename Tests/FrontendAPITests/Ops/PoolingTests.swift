import Plexus
import PlexusTestSupport
import Testing

/// Direct max or mean pooling over each window's cells inside the input.
private func directPool(
  _ x: [Double], _ shape: [Int], window: [Int], strides: [Int], padding: [Int],
  outHeight: Int, outWidth: Int, max: Bool
) -> [Double] {
  let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
  var out: [Double] = []
  for b in 0..<n {
    for oh in 0..<outHeight {
      for ow in 0..<outWidth {
        for ch in 0..<c {
          var cells: [Double] = []
          for i in 0..<window[0] {
            for j in 0..<window[1] {
              let row = oh * strides[0] + i - padding[0]
              let column = ow * strides[1] + j - padding[2]
              guard (0..<h).contains(row), (0..<w).contains(column) else { continue }
              cells.append(x[((b * h + row) * w + column) * c + ch])
            }
          }
          out.append(max ? cells.max() ?? .nan : cells.reduce(0, +) / Double(cells.count))
        }
      }
    }
  }
  return out
}

@Suite struct PoolingTests {
  static let cases: [([Int], [Int], [Int]?, Padding)] = [
    ([2, 6, 6, 3], [2], nil, .valid),
    ([1, 7, 5, 2], [3], [2], .same),
    ([1, 5, 8, 1], [2, 3], [1, 2], .same),
    ([3, 4, 4, 2], [3], [1], .valid),
    ([1, 1, 5, 2], [1, 2], nil, .same),
  ]

  @Test(arguments: cases, [true, false])
  func matchesTheDirectPooling(
    _ setting: ([Int], [Int], [Int]?, Padding), max: Bool
  ) throws {
    let (input, window, strides, padding) = setting
    let x = try sampleTensor(Shape(input), seed: 11)
    let y =
      max
      ? try Ops.maxPool2d(x, poolSize: window, strides: strides, padding: padding)
      : try Ops.averagePool2d(x, poolSize: window, strides: strides, padding: padding)
    let w = window.count == 1 ? [window[0], window[0]] : window
    let s = strides.map { $0.count == 1 ? [$0[0], $0[0]] : $0 } ?? w
    var pads = [0, 0, 0, 0]
    if padding == .same {
      let v = Convolution2D.samePadding(input[1], kernel: w[0], stride: s[0])
      let h = Convolution2D.samePadding(input[2], kernel: w[1], stride: s[1])
      pads = [v.before, v.after, h.before, h.after]
    }
    let expected = directPool(
      try x.scalars(Double.self), input, window: w, strides: s, padding: pads,
      outHeight: y.shape[1], outWidth: y.shape[2], max: max)
    let actual = try y.scalars(Double.self)
    #expect(actual.count == expected.count)
    #expect(zip(actual, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
  }

  @Test(arguments: cases, [true, false])
  func gradientsMatchFiniteDifferences(
    _ setting: ([Int], [Int], [Int]?, Padding), max: Bool
  ) throws {
    let (input, window, strides, padding) = setting
    let problems = try checkGradients(
      of: {
        max
          ? try Ops.maxPool2d($0[0], poolSize: window, strides: strides, padding: padding)
          : try Ops.averagePool2d($0[0], poolSize: window, strides: strides, padding: padding)
      }, at: [try sampleTensor(Shape(input), seed: 12)])
    #expect(problems.isEmpty, "\(problems.prefix(3))")
  }

  /// Among equal maxima the first (row-major) takes the whole gradient, as in TensorFlow; a
  /// cell in two overlapping windows collects both.
  @Test func tiesGoToTheFirstMaximum() throws {
    let x = try Tensor([0, 2, 0, 0, 0, 0, 0, 0, 0] as [Float], shape: [1, 3, 3, 1])
    let tape = GradientTape()
    var watched = x
    tape.watch(&watched)
    let y = try tape.record {
      try Ops.sum(Ops.maxPool2d(watched, poolSize: [2], strides: [1]))
    }
    let gradient = try tape.gradient(of: y, wrt: [watched])[0]
    // The 2 is the maximum of both upper windows; the lower windows are all zeros, a tie their
    // first cell wins.
    #expect(try gradient?.scalars(Float.self) == [0, 2, 0, 1, 1, 0, 0, 0, 0])
  }

  @Test func badArgumentsAreErrors() throws {
    let x = try Ops.zeros([1, 4, 4, 2])
    let bad: [() throws -> Tensor] = [
      { try Ops.maxPool2d(x, poolSize: [5]) },
      { try Ops.maxPool2d(x, poolSize: [0]) },
      { try Ops.maxPool2d(x, poolSize: [2], strides: [-1]) },
      { try Ops.maxPool2d(x, poolSize: [Int.max], padding: .same) },
      { try Ops.averagePool2d(x, poolSize: [2, 2, 2]) },
      { try Ops.averagePool2d(Ops.zeros([4, 4, 2]), poolSize: [2]) },
      { try Ops.averagePool2d(x, poolSize: [2], padding: .causal) },
    ]
    for (index, call) in bad.enumerated() {
      #expect(throws: PlexusError.self, "case \(index)") { try call() }
    }
  }
}
