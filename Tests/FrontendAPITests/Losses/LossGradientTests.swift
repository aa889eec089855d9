import Testing

@testable import Plexus

/// Compares the tape's gradient of `loss(yTrue, x)` with central finite differences, in float64.
private func checkGradient(
  _ loss: Loss, yTrue: Tensor, x values: [Double], shape: Shape, sampleWeight: Tensor? = nil
) throws {
  let tape = GradientTape()
  var x = try Tensor(values, shape: shape)
  tape.watch(&x)
  let result = try tape.record { try loss(yTrue, x, sampleWeight: sampleWeight) }
  let analytic = try #require(try tape.gradient(of: result, wrt: [x]).first ?? nil)
  let gradient = try analytic.scalars(Double.self)
  let h = 1e-6
  for index in values.indices {
    var plus = values
    var minus = values
    plus[index] += h
    minus[index] -= h
    let up = try loss(yTrue, Tensor(plus, shape: shape), sampleWeight: sampleWeight).item()
    let down = try loss(yTrue, Tensor(minus, shape: shape), sampleWeight: sampleWeight).item()
    let numeric = (up - down) / (2 * h)
    #expect(abs(gradient[index] - numeric) < 1e-6, "element \(index) of \(type(of: loss))")
  }
}

private let scores: [Double] = [0.3, -1.2, 2.0, 0.7, 0.1, -0.4]

@Suite struct LossGradientTests {
  @Test func sparseCategoricalFromLogits() throws {
    try checkGradient(
      SparseCategoricalCrossentropy(fromLogits: true), yTrue: Tensor([2, 0] as [Int32]),
      x: scores, shape: [2, 3])
    try checkGradient(
      SparseCategoricalCrossentropy(fromLogits: true, reduction: .sum),
      yTrue: Tensor([1, 2] as [Int64]), x: scores, shape: [2, 3],
      sampleWeight: Tensor([0.5, 2] as [Double]))
  }

  @Test func sparseCategoricalFromProbabilities() throws {
    try checkGradient(
      SparseCategoricalCrossentropy(), yTrue: Tensor([2, 0] as [Int32]),
      x: [0.2, 0.3, 0.5, 0.6, 0.3, 0.1], shape: [2, 3])
  }

  @Test func categoricalFromLogits() throws {
    try checkGradient(
      CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1),
      yTrue: Tensor([0, 0, 1, 0.5, 0.5, 0] as [Double], shape: [2, 3]), x: scores, shape: [2, 3])
  }

  @Test func binaryFromLogitsAndProbabilities() throws {
    let targets = try Tensor([1, 0, 0, 1, 1, 0] as [Double], shape: [2, 3])
    try checkGradient(
      BinaryCrossentropy(fromLogits: true), yTrue: targets, x: scores, shape: [2, 3])
    try checkGradient(
      BinaryCrossentropy(), yTrue: targets, x: [0.2, 0.3, 0.5, 0.6, 0.3, 0.1], shape: [2, 3])
  }

  @Test func meanSquaredError() throws {
    try checkGradient(
      MeanSquaredError(), yTrue: Tensor([1, 0, 0, 1, 1, 0] as [Double], shape: [2, 3]),
      x: scores, shape: [2, 3])
  }
}
