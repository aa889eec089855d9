import Plexus
import PlexusTestSupport
import Testing

/// A direct six-loop convolution, the oracle the composite and every kernel are held to.
private func directConv2d(
  _ x: [Double], _ xShape: [Int], _ k: [Double], _ kShape: [Int], strides: [Int],
  dilations: [Int], padding: [Int], outHeight: Int, outWidth: Int
) -> [Double] {
  let (n, h, w, c) = (xShape[0], xShape[1], xShape[2], xShape[3])
  let (kh, kw, cg, o) = (kShape[0], kShape[1], kShape[2], kShape[3])
  let groups = c / cg
  let og = o / groups
  var out = [Double](repeating: 0, count: n * outHeight * outWidth * o)
  for b in 0..<n {
    for oh in 0..<outHeight {
      for ow in 0..<outWidth {
        for f in 0..<o {
          let group = f / og
          var total = 0.0
          for i in 0..<kh {
            for j in 0..<kw {
              let row = oh * strides[0] + i * dilations[0] - padding[0]
              let column = ow * strides[1] + j * dilations[1] - padding[2]
              guard (0..<h).contains(row), (0..<w).contains(column) else { continue }
              for ch in 0..<cg {
                let xi = ((b * h + row) * w + column) * c + group * cg + ch
                let ki = ((i * kw + j) * cg + ch) * o + f
                total += x[xi] * k[ki]
              }
            }
          }
          out[((b * outHeight + oh) * outWidth + ow) * o + f] = total
        }
      }
    }
  }
  return out
}

@Suite struct ConvolutionTests {
  /// (input, kernel, strides, padding, dilation): odd sizes, strides, both paddings, dilation,
  /// groups (2 and depthwise), 1×1 kernels and size-1 axes.
  static let cases: [([Int], [Int], [Int], Padding, [Int])] = [
    ([2, 5, 6, 3], [3, 3, 3, 4], [1], .valid, [1]),
    ([1, 7, 5, 2], [3, 2, 2, 3], [2, 1], .same, [1]),
    ([2, 6, 6, 4], [2, 2, 2, 6], [2], .valid, [1]),
    ([1, 8, 7, 3], [3, 3, 1, 6], [1], .same, [1]),
    ([1, 9, 9, 2], [3, 3, 2, 2], [1], .same, [2]),
    ([3, 1, 4, 5], [1, 1, 5, 2], [1], .valid, [1]),
    ([1, 4, 4, 1], [4, 4, 1, 1], [3], .same, [1]),
  ]

  @Test(arguments: cases)
  func matchesTheDirectSum(
    input: [Int], kernel: [Int], strides: [Int], padding: Padding, dilation: [Int]
  ) throws {
    let x = try sampleTensor(Shape(input), seed: 3)
    let k = try sampleTensor(Shape(kernel), seed: 4)
    let y = try Ops.conv2d(x, k, strides: strides, padding: padding, dilationRate: dilation)
    let s = strides.count == 1 ? [strides[0], strides[0]] : strides
    let d = dilation.count == 1 ? [dilation[0], dilation[0]] : dilation
    var pads = [0, 0, 0, 0]
    if padding == .same {
      let v = Convolution2D.samePadding(input[1], kernel: kernel[0], stride: s[0], dilation: d[0])
      let h = Convolution2D.samePadding(input[2], kernel: kernel[1], stride: s[1], dilation: d[1])
      pads = [v.before, v.after, h.before, h.after]
      #expect(y.shape[1] == (input[1] + s[0] - 1) / s[0])
      #expect(y.shape[2] == (input[2] + s[1] - 1) / s[1])
    }
    let expected = directConv2d(
      try x.scalars(Double.self), input, try k.scalars(Double.self), kernel, strides: s,
      dilations: d, padding: pads, outHeight: y.shape[1], outWidth: y.shape[2])
    let actual = try y.scalars(Double.self)
    #expect(actual.count == expected.count)
    #expect(zip(actual, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
  }

  @Test(arguments: cases)
  func gradientsMatchFiniteDifferences(
    input: [Int], kernel: [Int], strides: [Int], padding: Padding, dilation: [Int]
  ) throws {
    let problems = try checkGradients(
      of: {
        try Ops.conv2d($0[0], $0[1], strides: strides, padding: padding, dilationRate: dilation)
      },
      at: [try sampleTensor(Shape(input), seed: 5), try sampleTensor(Shape(kernel), seed: 6)])
    #expect(problems.isEmpty, "\(problems.prefix(3))")
  }

  /// The backward ops are differentiable too (a gradient penalty, say, needs the gradient of a
  /// gradient): checked against finite differences of the first gradient.
  @Test func secondOrderGradients() throws {
    let kernel = try sampleTensor([2, 2, 2, 3], seed: 8)
    func inputGradient(_ x: Tensor, _ k: Tensor) throws -> Tensor {
      let tape = GradientTape()
      var watched = [x, k]
      tape.watch(&watched)
      let y = try tape.record {
        try Ops.sum(Ops.square(Ops.conv2d(watched[0], watched[1], strides: [2], padding: .same)))
      }
      return try tape.gradient(of: y, wrt: watched)[1] ?? Ops.zerosLike(k)
    }
    let problems = try checkGradients(
      of: { try inputGradient($0[0], $0[1]) },
      at: [try sampleTensor([1, 4, 5, 2], seed: 7), kernel], tolerance: 1e-4)
    #expect(problems.isEmpty, "\(problems.prefix(3))")
  }

  /// The fused form is the convolution, the bias and the activation, whichever backend runs it.
  @Test(arguments: ["reference", "openblas"])
  func biasAndActivationFuseToTheSameResult(backend: String) throws {
    let x = try sampleTensor([2, 5, 6, 3], seed: 21).cast(to: .float32)
    let k = try sampleTensor([3, 3, 3, 4], seed: 22).cast(to: .float32)
    let b = try sampleTensor([4], seed: 23).cast(to: .float32)
    let expected = try Ops.relu(Ops.add(Ops.conv2d(x, k, padding: .same), b)).scalars(Float.self)
    let fused = try withBackend(backend) {
      try Ops.conv2d(x, k, bias: b, activation: .relu, padding: .same)
    }
    let actual = try fused.scalars(Float.self)
    #expect(
      zip(actual, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * Swift.max(1, Swift.abs($1)) })
    #expect(throws: PlexusError.self) {
      try Ops.conv2d(x, k, bias: Ops.ones([3]), activation: .relu)
    }
  }

  @Test func emptyBatchGivesAnEmptyResult() throws {
    let y = try Ops.conv2d(Ops.zeros([0, 5, 5, 2]), Ops.ones([3, 3, 2, 4]))
    #expect(y.shape == [0, 3, 3, 4])
  }

  @Test func badArgumentsAreErrorsThatNameTheOp() throws {
    let x = try Ops.zeros([1, 5, 5, 4])
    let bad: [() throws -> Tensor] = [
      { try Ops.conv2d(x, Ops.ones([6, 6, 4, 1])) },  // larger than the input
      { try Ops.conv2d(x, Ops.ones([3, 3, 3, 2])) },  // 3 does not divide 4 channels
      { try Ops.conv2d(x, Ops.ones([3, 3, 2, 3])) },  // 3 filters in 2 groups
      { try Ops.conv2d(x, Ops.ones([3, 3, 4, 2]), strides: [0]) },
      { try Ops.conv2d(x, Ops.ones([3, 3, 4, 2]), strides: [Int.min]) },
      { try Ops.conv2d(x, Ops.ones([3, 3, 4, 2]), strides: [1, 2, 3]) },
      { try Ops.conv2d(x, Ops.ones([3, 3, 4, 2]), padding: .same, dilationRate: [Int.max]) },
      { try Ops.conv2d(x, Ops.ones([3, 3, 4, 2]), padding: .causal) },
      { try Ops.conv2d(Ops.zeros([5, 5, 4]), Ops.ones([3, 3, 4, 2])) },
      { try Ops.conv2d(x, Ops.ones([3, 3, 4, 2], dtype: .float64)) },
      {
        try Ops.conv2d(
          Ops.zeros([1, 5, 5, 4], dtype: .int32), Ops.ones([3, 3, 4, 2], dtype: .int32))
      },
    ]
    for (index, call) in bad.enumerated() {
      #expect(throws: PlexusError.self, "case \(index)") { try call() }
    }
    // A stride past the input is not an error: one window, as in Keras.
    let single = try Ops.conv2d(x, Ops.ones([3, 3, 4, 2]), strides: [Int.max], padding: .same)
    #expect(single.shape == [1, 1, 1, 2])
  }
}
