import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// The recurrent family: a whole LSTM or GRU as one kernel per pass where a backend has it
/// (oneDNN's LSTM and linear-before-reset GRU primitives), the steps as primitives elsewhere;
/// the same values and gradients either way.
@Suite struct RecurrentFamilyTests {
  static func cases() throws -> [GradientCase] {
    try conformanceGradientCases().filter { $0.name.hasPrefix("lstm") || $0.name.hasPrefix("gru") }
  }

  /// On oneDNN every case runs the family's kernels and agrees with the composite on the
  /// reference backend: every result's value and the gradients of all six operands, in both
  /// directions, for a batch cut into parts and for one sequence of one step.
  @Test func theFamilyMatchesTheCompositeThroughTheTape() throws {
    #expect(try Self.cases().count == 6)
    #expect(try checkGradientConformance(backend: "onednn", cases: Self.cases()) == [])
  }

  /// A training step's forward and backward passes are one record each on oneDNN.
  @Test(arguments: [0, 1])
  func oneDNNRunsEachPassAsOneKernel(index: Int) throws {
    let recurrence = try Self.cases()[index]
    let statistics = try Dispatcher.recordingStatistics {
      try withBackend("onednn") {
        let tape = GradientTape()
        var watched = recurrence.inputs
        tape.watch(&watched)
        let loss = try tape.record { try Ops.sum(recurrence.function(watched)) }
        _ = try tape.gradient(of: loss, wrt: watched)
      }
    }.1
    let (forward, backward): (OpCode, OpCode) =
      index == 0 ? (.lstm, .lstmGradient) : (.gru, .gruGradient)
    #expect(statistics.dispatchCount(backend: "onednn", op: forward) == 1)
    #expect(statistics.dispatchCount(backend: "onednn", op: backward) == 1)
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

  /// The hand-worked first step of a one-unit GRU from a given state: each gate from its input
  /// and recurrent rows.
  @Test func oneGRUStepByHand() throws {
    let x = try Tensor([Float(0.5)], shape: [1, 1, 1])
    let kernel = try Tensor([Float(1), 2, 3], shape: [1, 3])
    let recurrent = try Tensor([Float(0.5), -1, 2], shape: [1, 3])
    let bias = try Tensor([Float(0.1), 0.2, 0.3, -0.1, 0.4, -0.5], shape: [2, 3])
    let h0 = try Tensor([Float(0.25)], shape: [1, 1])
    func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
    let z = sigmoid(0.5 * 1 + 0.1 + 0.25 * 0.5 - 0.1)
    let r = sigmoid(0.5 * 2 + 0.2 + 0.25 * -1 + 0.4)
    let candidate = tanh(0.5 * 3 + 0.3 + r * (0.25 * 2 - 0.5))
    let h = z * 0.25 + (1 - z) * candidate
    for backend in ["reference", "onednn"] {
      let (sequence, output) = try withBackend(backend) {
        try Ops.gru(x, kernel: kernel, recurrentKernel: recurrent, bias: bias, initialOutput: h0)
      }
      #expect(Swift.abs(Double(try sequence.floats()[0]) - h) < 1e-6, "\(backend)")
      #expect(Swift.abs(Double(try output.floats()[0]) - h) < 1e-6, "\(backend)")
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
