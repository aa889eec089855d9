import Testing

@testable import Plexus

/// At batch 32 a training step is mostly per-op overhead, so the number of dispatched ops is
/// the figure to guard: a change that adds ops to every step shows here, deterministically.
@Suite struct StepBudgetTests {
  @Test func anMLPTrainingStepStaysWithinItsOpBudget() throws {
    let model = Sequential {
      Input(shape: [784])
      Dense(128, activation: .relu)
      Dense(10)
    }
    try model.compile(
      optimizer: Adam(), loss: SparseCategoricalCrossentropy(fromLogits: true),
      metrics: ["accuracy"])
    let x = try Tensor.zeros([32, 784])
    let y = try Tensor.zeros([32], dtype: .int32)
    _ = try model.trainOnBatch(x, y)
    let (_, statistics) = try Dispatcher.recordingStatistics { try model.trainOnBatch(x, y) }
    let total = statistics.dispatches.values.flatMap(\.values).reduce(0, +)
    // 5 products: two forward (fused `dense` records where the backend has the family), two
    // weight gradients, one hidden gradient (none for the input).
    let products = statistics.dispatches.values.compactMap {
      ($0[.matmul] ?? 0) + ($0[.dense] ?? 0)
    }
    #expect(products.reduce(0, +) == 5)
    // One fused Adam update for all four variables of the step.
    #expect(statistics.dispatches.values.compactMap { $0[.adamUpdate] }.reduce(0, +) == 1)
    #expect(total <= 30, "a training step dispatched \(total) ops: \(statistics)")
  }
}
