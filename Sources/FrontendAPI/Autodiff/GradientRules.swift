/// One gradient rule per primitive op, in one table: input gradients from the output gradient.
///
/// Rules are written with Plexus ops, so they run on whatever backend is selected and are
/// themselves differentiable. A nil entry means no gradient flows to that input (integer
/// indices, conditions, piecewise-constant ops).
enum GradientRules {
  static func backward(_ node: TapeNode, _ grad: Tensor) throws -> [Tensor?] {
    let inputs = node.inputs
    // Inputs no tape tracks (data batches, constants) need no gradient: skip their products.
    let needs = inputs.map { $0.tapeID != 0 && $0.dtype.isFloatingPoint }
    let y = node.output
    switch node.op {
    case .reshape:
      return [try Ops.reshape(grad, inputs[0].shape)]
    case .custom(_, let rule):
      return try rule(grad)
    case .primitive(let op, let attributes) where isWindowed(op):
      return try windowed(op, attributes, inputs, y, grad, needs: needs)
    case .primitive(let op, let attributes) where isNormalization(op):
      return try normalization(op, attributes, inputs, grad, needs: needs)
    case .primitive(let op, let attributes) where op == .lstm || op == .gru:
      return try recurrent(op, attributes, inputs, grad, needs: needs)
    case .primitive(.dense, let attributes):
      return try dense(attributes, inputs, y, grad, needs: needs)
    case .primitive(.activationGradient, let attributes):
      return try activationGradient(attributes, inputs, grad, needs: needs)
    case .primitive(let op, let attributes):
      switch op.family {
      case .unary: return [try unary(op, inputs[0], y, grad)]
      case .binary: return try binary(op, inputs[0], inputs[1], y, grad, needs: needs)
      default: return try structural(op, attributes, inputs, y, grad, needs: needs)
      }
    }
  }

  // MARK: Elementwise

  private static func unary(_ op: OpCode, _ x: Tensor, _ y: Tensor, _ g: Tensor) throws -> Tensor? {
    switch op {
    case .negate: return try Ops.negative(g)
    case .exp: return try g * y
    case .log: return try g / x
    case .sqrt: return try g * 0.5 / y
    case .rsqrt: return try g * (-0.5) * Ops.multiply(y, Ops.square(y))
    // From the output alone, in one kernel (relu: y > 0 exactly where x > 0).
    case .tanh: return try Ops.activationGradient(.tanh, output: y, upstream: g)
    case .sigmoid: return try Ops.activationGradient(.sigmoid, output: y, upstream: g)
    case .relu: return try Ops.activationGradient(.relu, output: y, upstream: g)
    case .abs: return try g * Ops.sign(x)
    case .square: return try g * 2 * x
    case .reciprocal: return try Ops.negative(g * Ops.square(y))
    case .sin: return try g * Ops.cos(x)
    case .cos: return try Ops.negative(g * Ops.sin(x))
    case .erf: return try g * (2 / Double.pi.squareRoot()) * Ops.exp(Ops.negative(Ops.square(x)))
    case .expm1: return try g * (y + 1)
    case .log1p: return try g / (x + 1)
    default: return nil  // sign, floor, ceil, round and logical ops are piecewise constant
    }
  }

  private static func binary(
    _ op: OpCode, _ a: Tensor, _ b: Tensor, _ y: Tensor, _ g: Tensor, needs: [Bool]
  ) throws -> [Tensor?] {
    // Each side's rule runs only when that side needs a gradient (a bias add's data operand
    // does not), then is summed back over the axes broadcasting stretched.
    func side(_ index: Int, _ shape: Shape, _ rule: () throws -> Tensor?) throws -> Tensor? {
      guard needs[index], let grad = try rule() else { return nil }
      return try unbroadcast(grad, to: shape)
    }
    switch op {
    case .add:
      return [try side(0, a.shape) { g }, try side(1, b.shape) { g }]
    case .subtract:
      return [try side(0, a.shape) { g }, try side(1, b.shape) { try Ops.negative(g) }]
    case .multiply:
      return [try side(0, a.shape) { try g * b }, try side(1, b.shape) { try g * a }]
    case .divide:
      return [
        try side(0, a.shape) { try g / b },
        try side(1, b.shape) { try Ops.negative(g * a / Ops.square(b)) },
      ]
    case .power:
      // d/da = b·a^(b-1); d/db = y·log(a), taken as 0 where a <= 0.
      return [
        try side(0, a.shape) { try g * b * Ops.power(a, b - 1) },
        try side(1, b.shape) {
          let positive = try Ops.greater(a, zero(a))
          let safeLog = try Ops.log(Ops.where(positive, a, Ops.onesLike(a)))
          return try Ops.where(positive, g * y * safeLog, zero(g))
        },
      ]
    case .maximum, .minimum:
      // Ties send the gradient to `a`.
      let pickA = try op == .maximum ? Ops.greaterEqual(a, b) : Ops.lessEqual(a, b)
      return [
        try side(0, a.shape) { try Ops.where(pickA, g, zero(g)) },
        try side(1, b.shape) { try Ops.where(pickA, zero(g), g) },
      ]
    default:
      return [nil, nil]
    }
  }

  // MARK: Structure, selection, reductions, matmul

  private static func structural(
    _ op: OpCode, _ attributes: OpAttributes, _ inputs: [Tensor], _ y: Tensor, _ g: Tensor,
    needs: [Bool]
  ) throws -> [Tensor?] {
    let a = attributes
    switch op {
    case .copy:
      return [g]
    case .cast:
      return inputs[0].dtype.isFloatingPoint ? [try Ops.cast(g, to: inputs[0].dtype)] : [nil]
    case .select:
      let (condition, a, b) = (inputs[0], inputs[1], inputs[2])
      return [
        nil,
        try unbroadcast(Ops.where(condition, g, zero(g)), to: a.shape),
        try unbroadcast(Ops.where(condition, zero(g), g), to: b.shape),
      ]
    case .sum:
      let axes = try a.ints(.axes, of: op)
      return [
        try Ops.broadcastTo(
          Ops.reshape(g, Ops.keptDimsShape(inputs[0].shape, axes)), inputs[0].shape)
      ]
    case .max, .min:
      // The gradient is shared equally among tied extremes.
      let axes = try a.ints(.axes, of: op)
      let x = inputs[0]
      let kept = Ops.keptDimsShape(x.shape, axes)
      let mask = try Ops.cast(Ops.equal(x, Ops.reshape(y, kept)), to: x.dtype)
      let ties = try Ops.sum(mask, axes: axes, keepDims: true)
      return [try mask * Ops.reshape(g, kept) / ties]
    case .prod:
      return [try prod(inputs[0], y, g, axes: a.ints(.axes, of: op))]
    case .transpose:
      let permutation = try a.ints(.permutation, of: op)
      var inverse = [Int](repeating: 0, count: permutation.count)
      for (index, axis) in permutation.enumerated() { inverse[axis] = index }
      return [try Ops.transpose(g, permutation: inverse)]
    case .concat:
      let axis = try a.int(.axis, of: op)
      var offset = 0
      return try inputs.map { input in
        var starts = [Int](repeating: 0, count: input.rank)
        starts[axis] = offset
        offset += input.shape[axis]
        return try Ops.slice(g, starts: starts, sizes: input.shape.dims)
      }
    case .slice:
      let starts = try a.ints(.starts, of: op)
      let x = inputs[0]
      let padding = (0..<x.rank).map { (starts[$0], x.shape[$0] - starts[$0] - g.shape[$0]) }
      return [try Ops.pad(g, padding)]
    case .pad:
      return [try Ops.slice(g, starts: a.ints(.paddingBefore, of: op), sizes: inputs[0].shape.dims)]
    case .gather:
      let x = inputs[0]
      return [
        try Ops.scatterAdd(
          Ops.zerosLike(x), indices: inputs[1], updates: g, axis: a.int(.axis, of: op)), nil,
      ]
    case .scatterAdd:
      return [g, nil, try Ops.take(g, inputs[1], axis: a.int(.axis, of: op))]
    case .matmul:
      return try matmul(
        inputs[0], inputs[1], g, transposeA: a.bool(.transposeA, default: false),
        transposeB: a.bool(.transposeB, default: false), needs: needs)
    case .softmax:
      // dx = y * (g - sum(g * y))
      let axis = try a.int(.axis, of: op)
      let inner = try Ops.sum(Ops.multiply(g, y), axes: [axis], keepDims: true)
      return [try Ops.multiply(y, Ops.subtract(g, inner))]
    case .sparseSoftmaxCrossEntropy:
      // d/dlogits = (softmax - onehot) · g; labels take no gradient.
      let (logits, labels) = (inputs[0], inputs[1])
      guard GradientTape.active.isEmpty else {
        // A tape is recording the backward pass (a higher-order gradient): primitives it can
        // differentiate again.
        let hits = try Ops.oneHot(labels, depth: logits.shape[logits.rank - 1], dtype: logits.dtype)
        let difference = try Ops.subtract(Ops.softmax(logits), hits)
        return [try Ops.multiply(difference, Ops.expandDims(g, axis: -1)), nil]
      }
      // Otherwise one fused kernel.
      return [
        try Dispatcher.execute(
          .sparseSoftmaxCrossEntropyGradient, [logits, labels, g], output: logits.dtype,
          logits.shape, differentiation: .none),
        nil,
      ]
    case .logSoftmax:
      // dx = g - softmax(x) * sum(g)
      let axis = try a.int(.axis, of: op)
      let total = try Ops.sum(g, axes: [axis], keepDims: true)
      return [try Ops.subtract(g, Ops.multiply(Ops.exp(y), total))]
    default:
      return inputs.map { _ in nil }
    }
  }

  /// The gradient of a product: `y / x · g`, exact at zeros too (the product of the other
  /// elements, computed without dividing, where `x` is 0).
  private static func prod(_ x: Tensor, _ y: Tensor, _ g: Tensor, axes: [Int]) throws -> Tensor {
    let kept = Ops.keptDimsShape(x.shape, axes)
    let upstream = try Ops.reshape(g, kept)
    let isZero = try Ops.equal(x, zero(x))
    let zeroCount = try Ops.sum(Ops.cast(isZero, to: x.dtype), axes: axes, keepDims: true)
    // Where x has no zero in its slice, y / x is exact.
    let safeX = try Ops.where(isZero, Ops.onesLike(x), x)
    let generic = try Ops.reshape(y, kept) / safeX
    // Where x is the only zero of its slice, the gradient is the product of the others.
    let others = try Ops.prod(safeX, axes: axes, keepDims: true)
    let single = try Ops.where(
      Ops.logicalAnd(isZero, Ops.equal(zeroCount, Tensor.scalar(1, dtype: x.dtype))),
      Ops.broadcastTo(others, x.shape), Ops.zerosLike(x))
    let anyZero = try Ops.greater(zeroCount, zero(x))
    return try Ops.where(anyZero, single, generic) * upstream
  }

  private static func matmul(
    _ a: Tensor, _ b: Tensor, _ g: Tensor, transposeA: Bool, transposeB: Bool, needs: [Bool]
  ) throws -> [Tensor?] {
    var da: Tensor?
    var db: Tensor?
    switch (transposeA, transposeB) {
    case (false, false):
      if needs[0] { da = try Ops.matmul(g, b, transposeB: true) }
      if needs[1] { db = try Ops.matmul(a, g, transposeA: true) }
    case (false, true):
      if needs[0] { da = try Ops.matmul(g, b) }
      if needs[1] { db = try Ops.matmul(g, a, transposeA: true) }
    case (true, false):
      if needs[0] { da = try Ops.matmul(b, g, transposeB: true) }
      if needs[1] { db = try Ops.matmul(a, g) }
    case (true, true):
      if needs[0] { da = try Ops.matmul(b, g, transposeA: true, transposeB: true) }
      if needs[1] { db = try Ops.matmul(g, a, transposeA: true, transposeB: true) }
    }
    // An operand without batch axes was reused for every batch: sum its gradients.
    if let value = da, value.rank > a.rank {
      da = try Ops.sum(value, axes: Array(0..<(value.rank - a.rank)))
    }
    if let value = db, value.rank > b.rank {
      db = try Ops.sum(value, axes: Array(0..<(value.rank - b.rank)))
    }
    return [da, db]
  }

  // MARK: Helpers

  /// Sums `grad` over the axes that broadcasting added or stretched to reach `shape`.
  static func unbroadcast(_ grad: Tensor, to shape: Shape) throws -> Tensor {
    if grad.shape == shape { return grad }
    let extra = grad.rank - shape.rank
    var axes = Array(0..<Swift.max(extra, 0))
    for axis in 0..<shape.rank where shape[axis] == 1 && grad.shape[axis + extra] != 1 {
      axes.append(axis + extra)
    }
    let summed = axes.isEmpty ? grad : try Ops.sum(grad, axes: axes)
    return try Ops.reshape(summed, shape)
  }

  static func zero(_ like: Tensor) throws -> Tensor {
    try Tensor.scalar(0, dtype: like.dtype)
  }
}
