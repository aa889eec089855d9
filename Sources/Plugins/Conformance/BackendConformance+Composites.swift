import BackendProtocol
import Plexus

/// The convolution, pooling, dense, normalization and recurrent families, whose oracle is not a reference kernel but the
/// frontend's composite, run on the reference backend.
extension ConformanceChecker {
  static func hasComposite(_ op: OpCode) -> Bool {
    switch op {
    case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .maxPool2d, .maxPool2dGradient,
      .avgPool2d, .avgPool2dGradient, .dense, .conv2dBiasActivation:
      true
    default: isNormalization(op) || isRecurrent(op)
    }
  }

  /// Convolutions: (input, filter, strides, dilations, padding, groups), odd sizes, strides,
  /// dilation, uneven padding, groups and a depthwise one.
  static let convolutions: [(Shape, Shape, [Int], [Int], [Int], Int)] = [
    ([2, 6, 7, 3], [3, 3, 3, 4], [2, 1], [1, 1], [1, 1, 0, 2], 1),
    ([1, 7, 7, 4], [2, 3, 2, 6], [1, 1], [2, 1], [0, 1, 1, 1], 2),
    ([3, 5, 4, 3], [3, 3, 1, 6], [1, 2], [1, 1], [1, 1, 1, 1], 3),
    ([1, 1, 3, 2], [1, 1, 2, 1], [1, 1], [1, 1], [0, 0, 0, 0], 1),
  ]

  /// Poolings: (input, window, strides, padding).
  static let poolings: [(Shape, [Int], [Int], [Int])] = [
    ([2, 6, 7, 3], [2, 2], [2, 2], [0, 0, 0, 1]),
    ([1, 5, 5, 2], [3, 3], [1, 2], [1, 1, 1, 1]),
    ([2, 4, 3, 1], [1, 3], [1, 1], [0, 0, 1, 1]),
    // Windows that do not overlap, without padding: a last row
    // and column no window covers, channels past a multiple of 16, gaps between windows.
    ([2, 7, 9, 35], [2, 2], [2, 2], [0, 0, 0, 0]),
    ([1, 8, 11, 16], [2, 3], [3, 4], [0, 0, 0, 0]),
    ([3, 4, 4, 20], [1, 1], [2, 2], [0, 0, 0, 0]),
  ]

  mutating func checkAgainstComposite(_ op: OpCode, _ dtype: DType) throws {
    switch op {
    case .batchNorm, .batchNormGradient, .layerNorm, .layerNormGradient:
      try checkNormalization(op, dtype)
    case .lstm, .lstmGradient, .gru, .gruGradient:
      try checkRecurrent(op, dtype)
    case .dense:
      let shapes: [(Shape, Bool)] = [
        ([5, 7], true), ([2, 3, 4], false), ([1, 1], true), ([0, 3], true),
      ]
      for (xShape, withBias) in shapes {
        let inner = xShape[xShape.rank - 1]
        let x = input(dtype, xShape, domain: .signed)
        let k = input(dtype, [inner, 3], domain: .signed)
        let b = input(dtype, [3], domain: .signed)
        let operands = withBias ? [x, k, b] : [x, k]
        let outShape = Shape(Array(xShape.dims.dropLast()) + [3])
        for activation in FusedActivation.allCases {
          let note = "\(xShape) \(withBias ? "with" : "without") bias, \(activation)"
          try compareWithComposite(
            op, dtype, note, operands, [.activation: .int(activation.rawValue)], outShape
          ) {
            try Ops.denseComposite(
              Self.oracle(x), Self.oracle(k), bias: withBias ? Self.oracle(b) : nil,
              activation: activation)
          }
        }
      }
    case .conv2dBiasActivation:
      for (input, filter, strides, dilations, padding, groups) in Self.convolutions {
        let g = try Convolution2D(
          input: input, filter: filter, strides: strides, dilations: dilations,
          padding: padding, groups: groups)
        let x = self.input(dtype, g.inputShape, domain: .signed)
        let k = self.input(dtype, g.filterShape, domain: .signed)
        let b = self.input(dtype, [g.filters], domain: .signed)
        for activation in FusedActivation.allCases {
          let note = "\(input)∗\(filter) groups \(groups), \(activation)"
          try compareWithComposite(
            op, dtype, note, [x, k, b], g.attributes.with(.activation, .int(activation.rawValue)),
            g.outputShape
          ) {
            try Ops.activate(
              Ops.add(Ops.conv2dComposite(Self.oracle(x), Self.oracle(k), g), Self.oracle(b)),
              activation)
          }
        }
      }
    case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter:
      for (input, filter, strides, dilations, padding, groups) in Self.convolutions {
        let g = try Convolution2D(
          input: input, filter: filter, strides: strides, dilations: dilations,
          padding: padding, groups: groups)
        let x = self.input(dtype, g.inputShape, domain: .signed)
        let k = self.input(dtype, g.filterShape, domain: .signed)
        let dy = self.input(dtype, g.outputShape, domain: .signed)
        let note = "\(input)∗\(filter) strides \(strides) dilations \(dilations)"
        switch op {
        case .conv2d:
          try compareWithComposite(op, dtype, note, [x, k], g.attributes, g.outputShape) {
            try Ops.conv2dComposite(Self.oracle(x), Self.oracle(k), g)
          }
        case .conv2dBackwardInput:
          try compareWithComposite(op, dtype, note, [dy, k], g.attributes, g.inputShape) {
            try Ops.conv2dBackwardInputComposite(Self.oracle(dy), Self.oracle(k), g)
          }
        default:
          try compareWithComposite(op, dtype, note, [x, dy], g.attributes, g.filterShape) {
            try Ops.conv2dBackwardFilterComposite(Self.oracle(x), Self.oracle(dy), g)
          }
        }
      }
    default:
      for (input, window, strides, padding) in Self.poolings {
        let g = try Pooling2D(input: input, window: window, strides: strides, padding: padding)
        let x = self.input(dtype, g.inputShape, domain: .signed)
        let dy = self.input(dtype, g.outputShape, domain: .signed)
        let note = "\(input) window \(window) strides \(strides) padding \(padding)"
        switch op {
        case .maxPool2d:
          try compareWithComposite(op, dtype, note, [x], g.attributes, g.outputShape) {
            try Ops.maxPool2dComposite(Self.oracle(x), g)
          }
        case .maxPool2dGradient:
          try compareWithComposite(op, dtype, note, [x, dy], g.attributes, g.inputShape) {
            try Ops.maxPool2dGradientComposite(Self.oracle(x), Self.oracle(dy), g)
          }
        case .avgPool2d:
          try compareWithComposite(op, dtype, note, [x], g.attributes, g.outputShape) {
            try Ops.averagePool2dComposite(Self.oracle(x), g)
          }
        default:
          try compareWithComposite(op, dtype, note, [dy], g.attributes, g.inputShape) {
            try Ops.averagePool2dGradientComposite(Self.oracle(dy), g)
          }
        }
      }
    }
  }

  /// An operand of a composite oracle: a bfloat16 one widened to float32, so that the
  /// composite sums in float32 and its result is rounded once (``compareWithComposite``), as
  /// oneDNN's bfloat16 convolutions do. (Run on bfloat16 operands, a composite rounds each
  /// partial sum, 3 ulps off in the suite's cases.)
  static func oracle(_ x: TensorBuffer) throws -> Tensor {
    x.dtype == .bfloat16 ? Tensor(try BFloat16.widened(x)) : Tensor(x)
  }

  /// Runs the record on the backend and `composite` on the reference backend, and records any
  /// disagreement.
  private mutating func compareWithComposite(
    _ op: OpCode, _ dtype: DType, _ note: String, _ inputs: [TensorBuffer],
    _ attributes: OpAttributes, _ shape: Shape, composite: () throws -> Tensor
  ) throws {
    let label = "\(op) \(dtype) \(note)"
    var expected: TensorBuffer
    do {
      expected = try withBackend("reference") { try composite() }.buffer
      if dtype == .bfloat16, expected.dtype == .float32 {
        let rounded = TensorBuffer(dtype: .bfloat16, shape: expected.shape)
        BFloat16.narrow(expected, into: rounded)
        expected = rounded
      }
    } catch {
      mismatches.append("\(label): the composite failed: \(error)")
      return
    }
    do {
      let (status, outputs) = try run(backend, op, inputs, attributes, [(dtype, shape)])
      guard status == .done else {
        mismatches.append("\(label): \(backend.name) claims the op but answered unsupported")
        return
      }
      agree(op, label, expected, outputs[0])
    } catch {
      mismatches.append("\(label): \(backend.name) threw \(error)")
    }
  }
}
