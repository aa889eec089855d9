extension GradientRules {
  /// True for the convolution and pooling ops, whose rules are below.
  static func isWindowed(_ op: OpCode) -> Bool {
    switch op {
    case .conv2d, .conv2dBackwardInput, .conv2dBackwardFilter, .conv2dBiasActivation, .maxPool2d,
      .maxPool2dGradient, .avgPool2d, .avgPool2dGradient:
      true
    default: false
    }
  }

  /// Convolution and pooling: each backward op is itself a family op with a rule, so
  /// gradients of gradients work (the three convolution ops are each linear in both operands).
  static func windowed(
    _ op: OpCode, _ a: OpAttributes, _ inputs: [Tensor], _ y: Tensor, _ g: Tensor,
    needs: [Bool]
  ) throws -> [Tensor?] {
    switch op {
    case .conv2d:
      let geometry = try convolution(a, op, input: inputs[0].shape, filter: inputs[1].shape)
      return [
        needs[0] ? try Ops.conv2dBackwardInput(g, inputs[1], geometry) : nil,
        needs[1] ? try Ops.conv2dBackwardFilter(inputs[0], g, geometry) : nil,
      ]
    case .conv2dBiasActivation:
      let geometry = try convolution(a, op, input: inputs[0].shape, filter: inputs[1].shape)
      let upstream = try throughActivation(a, op, y, g)
      return [
        needs[0] ? try Ops.conv2dBackwardInput(upstream, inputs[1], geometry) : nil,
        needs[1] ? try Ops.conv2dBackwardFilter(inputs[0], upstream, geometry) : nil,
        needs[2] ? try Ops.sum(upstream, axes: [0, 1, 2]) : nil,
      ]
    case .conv2dBackwardInput:
      // y = Wᵀ(upstream): linear in the upstream gradient and in the filter.
      let geometry = try convolution(a, op, input: y.shape, filter: inputs[1].shape)
      return [
        needs[0] ? try Ops.conv2d(g, inputs[1], geometry) : nil,
        needs[1] ? try Ops.conv2dBackwardFilter(g, inputs[0], geometry) : nil,
      ]
    case .conv2dBackwardFilter:
      let geometry = try convolution(a, op, input: inputs[0].shape, filter: y.shape)
      return [
        needs[0] ? try Ops.conv2dBackwardInput(inputs[1], g, geometry) : nil,
        needs[1] ? try Ops.conv2d(inputs[0], g, geometry) : nil,
      ]
    case .maxPool2d:
      let geometry = try pooling(a, op, input: inputs[0].shape)
      return [try Ops.maxPool2dGradient(inputs[0], g, geometry)]
    case .avgPool2d:
      let geometry = try pooling(a, op, input: inputs[0].shape)
      return [try Ops.averagePool2dGradient(g, geometry)]
    case .avgPool2dGradient:
      // Linear in the upstream gradient; its adjoint is the average pooling itself.
      let geometry = try pooling(a, op, input: y.shape)
      return [try Ops.averagePool2d(g, geometry)]
    case .maxPool2dGradient:
      // The positions of the maxima are piecewise constant in x; the upstream gradient's
      // adjoint reads `g` back at those positions.
      let geometry = try pooling(a, op, input: inputs[0].shape)
      return [nil, needs[1] ? try Ops.maxPool2dSelect(inputs[0], g, geometry) : nil]
    default:
      return inputs.map { _ in nil }
    }
  }

  private static func convolution(
    _ a: OpAttributes, _ op: OpCode, input: Shape, filter: Shape
  ) throws -> Convolution2D {
    try Convolution2D(
      input: input, filter: filter, strides: a.ints(.strides, of: op),
      dilations: a.ints(.dilations, of: op), padding: a.ints(.padding, of: op),
      groups: a.int(.groups, of: op), context: "\(op)")
  }

  private static func pooling(_ a: OpAttributes, _ op: OpCode, input: Shape) throws -> Pooling2D {
    try Pooling2D(
      input: input, window: a.ints(.window, of: op), strides: a.ints(.strides, of: op),
      padding: a.ints(.padding, of: op), context: "\(op)")
  }
}
