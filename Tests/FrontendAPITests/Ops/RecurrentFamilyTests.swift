import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// The recurrent family: a whole LSTM as one kernel per pass where a backend has it (oneDNN's
/// LSTM primitives), the steps as primitives elsewhere; the same values and gradients either
/// way.
@Suite struct RecurrentFamilyTests {
  static func cases() throws -> [GradientCase] {
    try conformanceGradientCases().filter { $0.name.hasPrefix("lstm") }
  }

  /// On oneDNN every case runs the family's kernels and agrees with the composite on the
  /// reference backend: every result's value and the gradients of all six operands, in both
  /// directions, for a batch cut into parts and for one sequence of one step.
  @Test func theFamilyMatchesTheCompositeThroughTheTape() throws {
    #expect(try Self.cases().count == 3)
    #expect(try checkGradientConformance(backend: "onednn", cases: Self.cases()) == [])
  }

  /// A training step's forward and backward passes are one record each on oneDNN.
  @Test func oneDNNRunsEachPassAsOneKernel() throws {
    let statistics = try Dispatcher.recordingStatistics {
      try withBackend("onednn") {
        let lstm = try Self.cases()[0]
        let tape = GradientTape()
        var watched = lstm.inputs
        tape.watch(&watched)
        let loss = try tape.record { try Ops.sum(lstm.function(watched)) }
        _ = try tape.gradient(of: loss, wrt: watched)
      }
    }.1
    #expect(statistics.dispatchCount(backend: "onednn", op: .lstm) == 1)
    #expect(statistics.dispatchCount(backend: "onednn", op: .lstmGradient) == 1)
  }

  /// The hand-worked first step of a one-unit LSTM from zero states: z = x·w + b per gate.
  @Test func oneStepByHand() throws {
    let x = try Tensor([Float(0.5)], shape: [1, 1, 1])
    let kernel = try Tensor([Float(1), 2, 3, 4], shape: [1, 4])
    let recurrent = try Tensor([Float(0), 0, 0, 0], shape: [1, 4])
    let bias = try Tensor([Float(0), 1, -1, 0.5], shape: [4])
    func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
    let i = sigmoid(0.5)
    let g = tanh(0.5 * 3 - 1)
    let o = sigmoid(0.5 * 4 + 0.5)
    let c = i * g
    let h = o * tanh(c)
    for backend in ["reference", "onednn"] {
      let (sequence, output, cell) = try withBackend(backend) {
        try Ops.lstm(x, kernel: kernel, recurrentKernel: recurrent, bias: bias)
      }
      #expect(Swift.abs(Double(try sequence.floats()[0]) - h) < 1e-6, "\(backend)")
      #expect(Swift.abs(Double(try output.floats()[0]) - h) < 1e-6, "\(backend)")
      #expect(Swift.abs(Double(try cell.floats()[0]) - c) < 1e-6, "\(backend)")
    }
  }

  /// Operands of the wrong shape are refused naming the op and the operand.
  @Test func wrongShapesAreRefused() throws {
    let x = try Ops.zeros([2, 3, 4])
    #expect(throws: PlexusError.self) {
      try Ops.lstm(x, kernel: Ops.zeros([4, 8]), recurrentKernel: Ops.zeros([3, 12]))
    }
    do {
      _ = try Ops.lstm(
        x, kernel: Ops.zeros([4, 8]), recurrentKernel: Ops.zeros([2, 8]),
        initialOutput: Ops.zeros([3, 2]))
      Issue.record("expected an error")
    } catch let error as PlexusError {
      #expect("\(error)".contains("lstm") && "\(error)".contains("initial output"))
    }
    #expect(throws: PlexusError.self) {
      try Ops.lstm(
        Ops.zeros([2, 0, 4]), kernel: Ops.zeros([4, 8]), recurrentKernel: Ops.zeros([2, 8]))
    }
  }
}
