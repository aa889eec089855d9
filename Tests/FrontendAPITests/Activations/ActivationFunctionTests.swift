import Foundation
import Testing

@testable import Plexus

@Suite struct ActivationFunctionTests {
  let x: Tensor

  init() throws {
    x = try Tensor([-2, -0.5, 0.5, 2] as [Double], shape: [4])
  }

  func values(_ activation: ActivationFunction) throws -> [Double] {
    try activation(x).scalars(Double.self)
  }

  @Test func formulasMatchHandComputation() throws {
    let inputs = [-2, -0.5, 0.5, 2.0]
    let expected: [(ActivationFunction, (Double) -> Double)] = [
      (.relu, { Swift.max($0, 0) }),
      (.sigmoid, { 1 / (1 + Foundation.exp(-$0)) }),
      (.tanh, { Foundation.tanh($0) }),
      (.silu, { $0 / (1 + Foundation.exp(-$0)) }),
      (.elu, { $0 > 0 ? $0 : Foundation.exp($0) - 1 }),
      (.softplus, { Foundation.log(1 + Foundation.exp($0)) }),
      (.softsign, { $0 / (1 + Swift.abs($0)) }),
      (.gelu, { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
      (.leakyRelu, { $0 > 0 ? $0 : 0.2 * $0 }),
      (.hardSigmoid, { Swift.min(Swift.max($0 + 3, 0), 6) / 6 }),
    ]
    for (activation, formula) in expected {
      for (value, input) in zip(try values(activation), inputs) {
        #expect(Swift.abs(value - formula(input)) < 1e-12, "\(activation) at \(input)")
      }
    }
  }

  @Test func softmaxRowsSumToOne() throws {
    let logits = try Tensor([1, 2, 3, 1, 1, 1] as [Float], shape: [2, 3])
    let rows = try ActivationFunction.softmax(logits).scalars(Float.self)
    #expect(Swift.abs(rows[0..<3].reduce(0, +) - 1) < 1e-6)
    #expect(Swift.abs(rows[3] - 1.0 / 3) < 1e-6)
  }

  @Test func unknownNameIsAnError() {
    #expect(throws: PlexusError.self) { try ActivationFunction(name: "relu7") }
  }
}
