import Testing

@testable import Plexus

private func values(_ variable: Variable) throws -> [Double] {
  try variable.value.floats().map(Double.init)
}

private func expectClose(_ actual: [Double], _ expected: [Double], _ tolerance: Double = 1e-6) {
  #expect(actual.count == expected.count)
  for (a, e) in zip(actual, expected) {
    #expect(abs(a - e) <= tolerance, "\(actual) != \(expected)")
  }
}

/// Two steps with the same gradient `[0.5, -1]` from `w = [1, 2]` at learning rate 0.1.
private func twoSteps(_ optimizer: Optimizer) throws -> ([Double], [Double]) {
  let w = Variable(try Tensor([1, 2] as [Float]), name: "w")
  let g = try Tensor([0.5, -1] as [Float])
  try optimizer.apply([g], to: [w])
  let first = try values(w)
  try optimizer.apply([g], to: [w])
  return (first, try values(w))
}

@Suite struct SGDTests {
  @Test func plainStepsSubtractScaledGradient() throws {
    let (first, second) = try twoSteps(SGD(learningRate: 0.1))
    expectClose(first, [0.95, 2.1])
    expectClose(second, [0.9, 2.2])
  }

  @Test func momentumAccumulatesVelocity() throws {
    // v1 = -0.1 g = [-0.05, 0.1]; v2 = 0.9 v1 - 0.1 g = [-0.095, 0.19].
    let (first, second) = try twoSteps(SGD(learningRate: 0.1, momentum: 0.9))
    expectClose(first, [0.95, 2.1])
    expectClose(second, [0.855, 2.29])
  }

  @Test func nesterovLooksAhead() throws {
    // w += 0.9 v - 0.1 g: step 1 adds [-0.095, 0.19], step 2 adds [-0.1355, 0.271].
    let (first, second) = try twoSteps(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true))
    expectClose(first, [0.905, 2.19])
    expectClose(second, [0.7695, 2.461])
  }

  @Test func compositeMatchesHandValuesToo() throws {
    let optimizer = SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
    optimizer.useFusedKernels = false
    let (first, second) = try twoSteps(optimizer)
    expectClose(first, [0.905, 2.19])
    expectClose(second, [0.7695, 2.461])
  }

  @Test func iterationsAndSlotsAreCountedAndCreatedLazily() throws {
    let optimizer = SGD(learningRate: 0.1, momentum: 0.5)
    #expect(optimizer.variables.isEmpty)
    let w = Variable(try Tensor([1, 2] as [Float]), name: "w")
    let unused = Variable(try Tensor([3] as [Float]), name: "unused")
    try optimizer.apply([Tensor([1, 1] as [Float]), nil], to: [w, unused])
    #expect(optimizer.iterations == 1)
    #expect(optimizer.variables.map(\.name) == ["w_momentum"])
    expectClose(try values(unused), [3])
    try optimizer.apply([nil, nil], to: [w, unused])
    #expect(optimizer.iterations == 1)
  }

  @Test func mismatchedGradientThrowsNamingPathAndShapes() throws {
    let w = Variable(try Tensor.zeros([2, 3]), name: "kernel")
    #expect {
      try SGD().apply([Tensor.zeros([3, 2])], to: [w])
    } throws: { error in
      let text = "\(error)"
      return text.contains("kernel") && text.contains("(2, 3)") && text.contains("(3, 2)")
    }
    #expect(throws: PlexusError.self) {
      try SGD().apply([Tensor.zeros([2, 3], dtype: .float64)], to: [w])
    }
  }

  @Test func namedResolvesKerasShortcuts() throws {
    #expect(try Optimizer.named("sgd") is SGD)
    #expect(try Optimizer.named("Adam") is Adam)
    #expect(try Optimizer.named("rmsprop") is RMSprop)
    #expect(try Optimizer.named("adamw") is AdamW)
    #expect(try Optimizer.named("sgd").learningRate == 0.01)
    #expect {
      _ = try Optimizer.named("ftrl")
    } throws: { error in
      "\(error)".contains("ftrl") && "\(error)".contains("adam")
    }
  }
}
