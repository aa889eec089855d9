import Plexus
import Testing

/// R2Score beyond the Keras fixtures: a hand-worked score, and the inputs it refuses.
@Suite struct R2ScoreTests {
  /// Targets 1, 2, 3, 4 (mean 2.5, SS_tot 5) predicted 1, 2, 3, 5 (SS_res 1): 0.8; adjusted
  /// for one regressor over 4 samples, 1 - 0.2 · 3/2 = 0.7.
  @Test func scoresAHandWorkedColumn() throws {
    let truth = try Tensor([1, 2, 3, 4] as [Float], shape: [4, 1])
    let predictions = try Tensor([1, 2, 3, 5] as [Float], shape: [4, 1])
    let plain = try R2Score()
    try plain.update(truth, predictions)
    #expect(abs(plain.result() - 0.8) < 1e-12)
    let adjusted = try R2Score(numRegressors: 1)
    try adjusted.update(truth, predictions)
    #expect(abs(adjusted.result() - 0.7) < 1e-12)
    // Three regressors over four samples leave no degrees of freedom: plain R², as Keras.
    let saturated = try R2Score(numRegressors: 3)
    try saturated.update(truth, predictions)
    #expect(abs(saturated.result() - 0.8) < 1e-12)
  }

  /// Constant targets predicted imperfectly score 0 (not -∞), as Keras's.
  @Test func aConstantColumnScoresZero() throws {
    let metric = try R2Score(classAggregation: nil)
    try metric.update(
      Tensor([2, 1, 2, 3] as [Float], shape: [2, 2]),
      Tensor([2, 1, 3, 3] as [Float], shape: [2, 2]))
    #expect(metric.resultValues() == [0, 1])
  }

  @Test func refusesWhatKerasRefuses() throws {
    #expect(throws: PlexusError.self) { try R2Score(numRegressors: -1) }
    #expect(throws: PlexusError.self) {
      try Metric.fromConfig(
        .object(["class_name": "R2Score", "config": ["class_aggregation": "median"]]))
    }
    let metric = try R2Score()
    // Not (batch, outputs).
    #expect(throws: PlexusError.self) {
      try metric.update(
        Tensor([1, 2] as [Float], shape: [1, 1, 2]), Tensor([1, 2] as [Float], shape: [1, 1, 2]))
    }
    try metric.update(
      Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]),
      Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]))
    // A batch with another number of outputs than the first.
    #expect(throws: PlexusError.self) {
      try metric.update(
        Tensor([1, 2, 3] as [Float], shape: [1, 3]), Tensor([1, 2, 3] as [Float], shape: [1, 3]))
    }
    #expect(metric.result() == 1)
  }
}
