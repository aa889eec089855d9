import Plexus

/// One differentiable case per op the tape differentiates, in `float32`, for the backward half
/// of the conformance suite: each case's value and its gradients with respect to every input
/// are compared between a backend and the reference. Inputs stay away from kinks (relu at 0,
/// abs at 0) and outside the domains where an op is undefined.
public func conformanceGradientCases() throws -> [GradientCase] {
  var seed: UInt64 = 100
  func sample(_ shape: Shape, _ range: ClosedRange<Double> = -1...1) throws -> Tensor {
    seed += 1
    let raw = try withRandomSeed(seed) {
      try Ops.randomUniform(shape, minval: range.lowerBound, maxval: range.upperBound)
    }
    // Away from zero by at least 0.1, keeping the sign: no kinks, no division by zero.
    return try Ops.add(raw, Ops.multiply(Ops.sign(raw), Tensor.scalar(0.1)))
  }
  let unary: [(String, (Tensor) throws -> Tensor, ClosedRange<Double>)] = [
    ("negate", Ops.negative, -1...1), ("exp", Ops.exp, -1...1), ("log", Ops.log, 0.2...2),
    ("sqrt", Ops.sqrt, 0.2...2), ("rsqrt", Ops.rsqrt, 0.2...2), ("tanh", Ops.tanh, -1...1),
    ("sigmoid", Ops.sigmoid, -1...1), ("relu", Ops.relu, -1...1), ("abs", Ops.abs, -1...1),
    ("square", Ops.square, -1...1), ("reciprocal", Ops.reciprocal, 0.2...2),
    ("sin", Ops.sin, -1...1), ("cos", Ops.cos, -1...1), ("erf", Ops.erf, -1...1),
    ("expm1", Ops.expm1, -1...1), ("log1p", Ops.log1p, 0...1),
  ]
  var cases = try unary.map { name, function, range in
    GradientCase(name, [try sample([3, 4], range)]) { try function($0[0]) }
  }
  let binary: [(String, (Tensor, Tensor) throws -> Tensor)] = [
    ("add", Ops.add), ("subtract", Ops.subtract), ("multiply", Ops.multiply),
    ("divide", Ops.divide), ("maximum", Ops.maximum), ("minimum", Ops.minimum),
  ]
  for (name, function) in binary {
    cases.append(
      GradientCase(name, [try sample([3, 4]), try sample([3, 4])]) { try function($0[0], $0[1]) })
    cases.append(
      GradientCase("\(name) broadcast", [try sample([2, 1, 4]), try sample([3, 1])]) {
        try function($0[0], $0[1])
      })
  }
  cases.append(
    GradientCase("power", [try sample([3, 4], 0.5...2), try sample([4], 0.5...2)]) {
      try Ops.power($0[0], $0[1])
    })
  cases += [
    GradientCase("sum", [try sample([3, 4, 5])]) { try Ops.sum($0[0], axes: [0, 2]) },
    GradientCase("max", [try sample([3, 4, 5])]) { try Ops.max($0[0], axes: [1]) },
    GradientCase("min", [try sample([3, 4, 5])]) { try Ops.min($0[0], axes: [2]) },
    GradientCase("prod", [try sample([3, 4], 0.5...1.5)]) { try Ops.prod($0[0], axes: [1]) },
    GradientCase("mean", [try sample([3, 4, 5])]) { try Ops.mean($0[0], axes: [1, 2]) },
    GradientCase("transpose", [try sample([2, 3, 4])]) {
      try Ops.transpose($0[0], permutation: [2, 0, 1])
    },
    GradientCase("concat", [try sample([2, 3]), try sample([2, 2])]) {
      try Ops.concatenate([$0[0], $0[1]], axis: 1)
    },
    GradientCase("slice", [try sample([4, 5])]) {
      try Ops.slice($0[0], starts: [1, 2], sizes: [2, 3])
    },
    GradientCase("pad", [try sample([2, 3])]) { try Ops.pad($0[0], [(1, 0), (0, 2)]) },
    GradientCase("gather", [try sample([5, 3])]) {
      try Ops.take($0[0], Tensor([4, 0, 4, 2] as [Int32]), axis: 0)
    },
    GradientCase("reshape", [try sample([2, 6])]) { try Ops.reshape($0[0], [3, 4]) },
    GradientCase("where", [try sample([3, 4]), try sample([3, 4])]) {
      try Ops.where(Ops.greater($0[0], $0[1]), $0[0], $0[1])
    },
    GradientCase("matmul", [try sample([5, 7]), try sample([7, 3])]) {
      try Ops.matmul($0[0], $0[1])
    },
    GradientCase("matmul aᵀ·bᵀ", [try sample([7, 5]), try sample([3, 7])]) {
      try Ops.matmul($0[0], $0[1], transposeA: true, transposeB: true)
    },
    GradientCase("batched matmul", [try sample([2, 5, 4]), try sample([4, 3])]) {
      try Ops.matmul($0[0], $0[1])
    },
    GradientCase("softmax", [try sample([3, 5])]) { try Ops.softmax($0[0]) },
    GradientCase("log_softmax", [try sample([3, 5])]) { try Ops.logSoftmax($0[0]) },
    GradientCase("sparse_softmax_cross_entropy", [try sample([4, 5])]) {
      try Ops.sparseSoftmaxCrossEntropy(logits: $0[0], labels: Tensor([0, 4, 2, 2] as [Int32]))
    },
    GradientCase("conv2d", [try sample([2, 6, 5, 3]), try sample([3, 3, 3, 4])]) {
      try Ops.conv2d($0[0], $0[1], strides: [2, 1], padding: .same)
    },
    GradientCase("grouped conv2d", [try sample([1, 5, 5, 4]), try sample([2, 2, 2, 6])]) {
      try Ops.conv2d($0[0], $0[1], dilationRate: [2])
    },
    GradientCase("max_pool2d", [try sample([2, 6, 5, 3])]) {
      try Ops.maxPool2d($0[0], poolSize: [2], padding: .same)
    },
    GradientCase("avg_pool2d", [try sample([2, 6, 5, 3])]) {
      try Ops.averagePool2d($0[0], poolSize: [3], strides: [2], padding: .same)
    },
  ]
  for activation in FusedActivation.allCases {
    cases.append(
      GradientCase(
        "dense \(activation)", [try sample([4, 5]), try sample([5, 3]), try sample([3])]
      ) {
        try Ops.dense($0[0], $0[1], bias: $0[2], activation: activation)
      })
  }
  for activation in [FusedActivation.relu, .tanh] {
    cases.append(
      GradientCase(
        "conv2d with bias and \(activation)",
        [try sample([2, 5, 6, 3]), try sample([3, 3, 3, 4]), try sample([4])]
      ) { try Ops.conv2d($0[0], $0[1], bias: $0[2], activation: activation, padding: .same) })
  }
  cases.append(
    GradientCase("dense rank 3 without bias", [try sample([2, 3, 5]), try sample([5, 4])]) {
      try Ops.dense($0[0], $0[1])
    })
  return cases + (try normalizationCases(sample))
}

/// The normalization family through the tape: each output weighted by a fixed tensor (a plain
/// sum of a normalized output hardly depends on x), size-1 axes, and an empty batch.
private func normalizationCases(_ sample: (Shape, ClosedRange<Double>) throws -> Tensor) throws
  -> [GradientCase]
{
  var cases: [GradientCase] = []
  for shape: Shape in [[6, 4], [2, 3, 1, 5], [1, 1, 3], [0, 3]] {
    let features = shape[shape.rank - 1]
    let weight = try sample(shape, -1...1)
    let parameters = [try sample([features], 0.5...1.5), try sample([features], -1...1)]
    cases.append(
      GradientCase("batch_norm training \(shape)", [try sample(shape, -2...2)] + parameters) {
        let (y, _, _) = try Ops.batchNormalizationTraining(
          $0[0], offset: $0[2], scale: $0[1], epsilon: 1e-3)
        return try Ops.multiply(y, weight)
      })
    cases.append(
      GradientCase(
        "batch_norm inference \(shape)",
        [try sample(shape, -2...2)] + parameters
          + [try sample([features], -1...1), try sample([features], 0.5...2)]
      ) {
        let y = try Ops.batchNormalization(
          $0[0], mean: $0[3], variance: $0[4], axis: -1, offset: $0[2], scale: $0[1])
        return try Ops.multiply(y, weight)
      })
    cases.append(
      GradientCase("layer_norm \(shape)", [try sample(shape, -2...2)] + parameters) {
        try Ops.multiply(Ops.layerNormalization($0[0], gamma: $0[1], beta: $0[2]), weight)
      })
  }
  // A whole LSTM and GRU (the recurrent family): every result, in both directions, and a
  // batch that backends may cut into parts; the gradient reaches every operand.
  for (batch, steps, features, units, goBackwards) in [
    (3, 4, 5, 2, false), (17, 3, 2, 3, true), (2, 1, 1, 1, false),
  ] {
    let state: Shape = [batch, units]
    let x = try sample([batch, steps, features], -1...1)
    let weights = [
      try sample([batch, steps, units], -1...1), try sample(state, -1...1),
      try sample(state, -1...1),
    ]
    let name =
      "\(goBackwards ? "backwards" : "forwards") \(Shape([batch, steps, features])) units \(units)"
    let lstmOperands = [
      x, try sample([features, 4 * units], -0.8...0.8), try sample([units, 4 * units], -0.8...0.8),
      try sample([4 * units], -0.5...0.5), try sample(state, -0.5...0.5),
      try sample(state, -0.5...0.5),
    ]
    cases.append(
      GradientCase("lstm \(name)", lstmOperands) {
        let (sequence, output, cell) = try Ops.lstm(
          $0[0], kernel: $0[1], recurrentKernel: $0[2], bias: $0[3], initialOutput: $0[4],
          initialCell: $0[5], goBackwards: goBackwards)
        return try Ops.concatenate(
          [
            Ops.reshape(Ops.multiply(sequence, weights[0]), [-1]),
            Ops.reshape(Ops.multiply(output, weights[1]), [-1]),
            Ops.reshape(Ops.multiply(cell, weights[2]), [-1]),
          ])
      })
    let gruOperands = [
      x, try sample([features, 3 * units], -0.8...0.8), try sample([units, 3 * units], -0.8...0.8),
      try sample([2, 3 * units], -0.5...0.5), try sample(state, -0.5...0.5),
    ]
    cases.append(
      GradientCase("gru \(name)", gruOperands) {
        let (sequence, output) = try Ops.gru(
          $0[0], kernel: $0[1], recurrentKernel: $0[2], bias: $0[3], initialOutput: $0[4],
          goBackwards: goBackwards)
        return try Ops.concatenate(
          [
            Ops.reshape(Ops.multiply(sequence, weights[0]), [-1]),
            Ops.reshape(Ops.multiply(output, weights[1]), [-1]),
          ])
      })
  }
  return cases
}
