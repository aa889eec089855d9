import PlexusTestSupport
import Testing

@testable import Plexus

/// Switches the model's backend at the start of every epoch, as a user's callback would.
private final class BackendPerEpoch: Callback {
  weak var model: Model?
  let schedule: [String]
  init(_ schedule: [String]) { self.schedule = schedule }

  func onEpochBegin(_ epoch: Int, logs: [String: Double]) throws {
    model?.backend = schedule[epoch % schedule.count]
  }
}

@Suite struct BackendSwitchingTests {
  /// The built-in backends, all sharing host memory (other tests register test backends).
  static var backends: [String] {
    Config.availableBackends.filter { ["reference", "openblas", "onednn"].contains($0) }
  }

  private func trained(_ schedule: [String]?) throws -> (
    weights: [[Float]], losses: [Double], addresses: [UnsafeMutableRawPointer]
  ) {
    try withRandomSeed(11) {
      let x = try Ops.randomUniform([96, 8, 8, 1])
      let y = try Ops.cast(Ops.randomUniform([96], maxval: 3), to: .int32)
      let model = Sequential {
        Input(shape: [8, 8, 1])
        Flatten()
        Dense(16, activation: .relu)
        Dense(3)
      }
      model.backend = schedule?.first ?? "reference"
      try model.compile(
        optimizer: Adam(learningRate: 1e-2), loss: SparseCategoricalCrossentropy(fromLogits: true))
      _ = try model.predict(x)  // builds the weights
      let before = model.weights.map { $0.buffer.storage.base }
      let (history, statistics) = try Dispatcher.recordingStatistics {
        try model.fit(
          x, y, batchSize: 32, epochs: 4, verbose: 0,
          callbacks: schedule.map { [BackendPerEpoch($0)] } ?? [], shuffle: false)
      }
      for name in schedule ?? [] {
        let products =
          statistics.dispatchCount(backend: name, op: .matmul)
          + statistics.dispatchCount(backend: name, op: .dense)
        #expect(products > 0, "\(name) ran no product")
      }
      let after = model.weights.map { $0.buffer.storage.base }
      #expect(before == after, "a switch moved or copied a weight")
      return (
        try model.weights.map { try $0.value.scalars(Float.self) }, history.history["loss"] ?? [],
        after
      )
    }
  }

  /// Training that changes backend every epoch ends where training on one backend ends (within
  /// the backends' rounding), and no weight is copied or moved by a switch: the variables keep
  /// their storage, updated in place on whichever backend runs the step.
  @Test func switchingEveryEpochMatchesAnUnswitchedRun() throws {
    #expect(Self.backends.count >= 2)
    let plain = try trained(nil)
    let switched = try trained(Self.backends)
    #expect(plain.losses.count == 4 && switched.losses.count == 4)
    for (a, b) in zip(plain.losses, switched.losses) {
      #expect(Swift.abs(a - b) <= 1e-4 * Swift.max(1, Swift.abs(a)), "loss \(a) vs \(b)")
    }
    for (a, b) in zip(plain.weights, switched.weights) {
      #expect(zip(a, b).allSatisfy { Swift.abs($0 - $1) <= 1e-4 * Swift.max(1, Swift.abs($0)) })
    }
  }
}
