import PlexusTestSupport
import Testing

@testable import Plexus

/// `conv2dTranspose`, `conv1d` and `depthwiseConv2d`, each against a direct computation and
/// finite differences (the Keras parity of the layers built on them is in
/// KerasLayerParityTests).
@Suite struct ConvolutionVariantsTests {
  /// (input, kernel [kh, kw, filters, channels], strides, padding, output padding, dilation).
  static let transposeCases: [([Int], [Int], [Int], Padding, [Int]?, [Int])] = [
    ([1, 3, 2, 2], [3, 3, 2, 2], [2], .valid, nil, [1]),
    ([2, 2, 3, 1], [3, 2, 3, 1], [2], .same, nil, [1]),
    ([1, 2, 2, 2], [2, 2, 1, 2], [3], .valid, nil, [1]),
    ([1, 2, 2, 2], [2, 1, 1, 2], [3], .same, nil, [1]),
    ([1, 2, 3, 2], [3, 3, 2, 2], [2], .same, [1, 0], [1]),
    ([1, 3, 3, 1], [2, 2, 2, 1], [1], .same, nil, [2]),
    ([1, 2, 2, 1], [3, 3, 1, 1], [2, 1], .valid, [1, 0], [1]),
  ]

  @Test(arguments: transposeCases)
  func transposeScattersEachInputThroughTheKernel(
    input: [Int], kernel: [Int], strides: [Int], padding: Padding, outputPadding: [Int]?,
    dilation: [Int]
  ) throws {
    let x = try sampleTensor(Shape(input), seed: 11)
    let k = try sampleTensor(Shape(kernel), seed: 12)
    let y = try Ops.conv2dTranspose(
      x, k, strides: strides, padding: padding, outputPadding: outputPadding,
      dilationRate: dilation)
    let s = strides.count == 1 ? [strides[0], strides[0]] : strides
    let d = dilation.count == 1 ? [dilation[0], dilation[0]] : dilation
    let axes = try (0..<2).map { axis in
      try #require(
        Ops.transposedAxis(
          input[axis + 1], kernel: kernel[axis], stride: s[axis], dilation: d[axis],
          padding: padding, outputPadding: outputPadding?[axis]))
    }
    // Keras's output sizes.
    for axis in 0..<2 {
      let effective = (kernel[axis] - 1) * d[axis] + 1
      let expected: Int
      if let extra = outputPadding?[axis] {
        let pad = padding == .same ? effective / 2 : 0
        expected = (input[axis + 1] - 1) * s[axis] + effective - 2 * pad + extra
      } else {
        expected =
          padding == .same
          ? input[axis + 1] * s[axis]
          : (input[axis + 1] - 1) * s[axis] + Swift.max(effective, s[axis])
      }
      #expect(y.shape[axis + 1] == expected)
    }
    // The direct scatter: each input cell adds kernel · value at its window's cells.
    let (n, h, w, c) = (input[0], input[1], input[2], input[3])
    let (kh, kw, f) = (kernel[0], kernel[1], kernel[2])
    let (oh, ow) = (axes[0].size, axes[1].size)
    let xs = try x.scalars(Double.self)
    let ks = try k.scalars(Double.self)
    var expected = [Double](repeating: 0, count: n * oh * ow * f)
    for b in 0..<n {
      for i in 0..<h {
        for j in 0..<w {
          for a in 0..<kh {
            for e in 0..<kw {
              let row = i * s[0] + a * d[0] - axes[0].before
              let column = j * s[1] + e * d[1] - axes[1].before
              guard (0..<oh).contains(row), (0..<ow).contains(column) else { continue }
              for filter in 0..<f {
                for channel in 0..<c {
                  expected[((b * oh + row) * ow + column) * f + filter] +=
                    xs[((b * h + i) * w + j) * c + channel]
                    * ks[((a * kw + e) * f + filter) * c + channel]
                }
              }
            }
          }
        }
      }
    }
    let actual = try y.scalars(Double.self)
    #expect(actual.count == expected.count)
    #expect(zip(actual, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    let problems = try checkGradients(
      of: {
        try Ops.conv2dTranspose(
          $0[0], $0[1], strides: strides, padding: padding, outputPadding: outputPadding,
          dilationRate: dilation)
      }, at: [x, k])
    #expect(problems.isEmpty, "\(problems.prefix(3))")
  }

  @Test func conv1dIsConv2dOverAHeightOfOne() throws {
    let x = try sampleTensor([2, 7, 4], seed: 13)
    let k = try sampleTensor([3, 2, 4], seed: 14)
    for (padding, strides, dilation) in [
      (Padding.valid, 2, 1), (.same, 1, 2), (.causal, 1, 2), (.causal, 2, 1),
    ] {
      let y = try Ops.conv1d(x, k, strides: strides, padding: padding, dilationRate: dilation)
      // Causal: the valid convolution of the sequence with (size - 1)·dilation zeros before it.
      let source =
        padding == .causal ? try Ops.pad(x, [(0, 0), (2 * dilation, 0), (0, 0)]) : x
      let planar = try Ops.conv2d(
        Ops.expandDims(source, axis: 1), Ops.expandDims(k, axis: 0), strides: [1, strides],
        padding: padding == .causal ? .valid : padding, dilationRate: [1, dilation])
      #expect(try y.scalars(Double.self) == Ops.squeeze(planar, axes: [1]).scalars(Double.self))
      let problems = try checkGradients(
        of: {
          try Ops.conv1d($0[0], $0[1], strides: strides, padding: padding, dilationRate: dilation)
        },
        at: [x, k])
      #expect(problems.isEmpty, "\(padding): \(problems.prefix(3))")
    }
  }

  @Test func depthwiseConvolvesEachChannelAlone() throws {
    let x = try sampleTensor([1, 5, 4, 3], seed: 15)
    let k = try sampleTensor([3, 2, 3, 2], seed: 16)
    let y = try Ops.depthwiseConv2d(x, k, strides: [2, 1], padding: .same)
    var columns: [Tensor] = []
    for channel in 0..<3 {
      let plane = try Ops.slice(x, starts: [0, 0, 0, channel], sizes: [1, 5, 4, 1])
      for multiple in 0..<2 {
        let filter = try Ops.slice(k, starts: [0, 0, channel, multiple], sizes: [3, 2, 1, 1])
        columns.append(try Ops.conv2d(plane, filter, strides: [2, 1], padding: .same))
      }
    }
    let expected = try Ops.concatenate(columns, axis: 3).scalars(Double.self)
    #expect(zip(try y.scalars(Double.self), expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    #expect(y.shape == [1, 3, 4, 6])
  }

  @Test func badArgumentsAreErrorsThatNameTheOp() throws {
    let image = try Ops.zeros([1, 3, 3, 2])
    let cases: [(String, () throws -> Tensor)] = [
      ("conv2d_transpose", { try Ops.conv2dTranspose(image, Ops.ones([3, 3, 1, 3])) }),
      (
        "conv2d_transpose",
        {
          try Ops.conv2dTranspose(image, Ops.ones([3, 3, 1, 2]), strides: [2], outputPadding: [2])
        }
      ),
      (
        "conv2d_transpose",
        { try Ops.conv2dTranspose(image, Ops.ones([3, 3, 1, 2]), padding: .causal) }
      ),
      (
        "conv2d_transpose",
        { try Ops.conv2dTranspose(image, Ops.ones([3, 3, 1, 2]), strides: [Int.max]) }
      ),
      ("conv1d", { try Ops.conv1d(Ops.zeros([1, 5, 3]), Ops.ones([2, 2, 4])) }),
      ("conv1d", { try Ops.conv1d(Ops.zeros([1, 5, 2]), Ops.ones([2, 2, 4]), strides: 0) }),
      ("conv1d", { try Ops.conv1d(image, Ops.ones([2, 2, 4])) }),
      ("depthwise_conv2d", { try Ops.depthwiseConv2d(image, Ops.ones([2, 2, 3, 1])) }),
    ]
    for (op, body) in cases {
      let text = thrownText(body) ?? "no error"
      #expect(text.contains(op), "\(text)")
    }
  }
}
