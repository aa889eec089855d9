import Testing

@testable import Plexus

/// What `DataParallel` adds across processes: a metric updated on two halves of the data,
/// with the halves' states summed, reports what one metric updated on all of it reports.
@Suite struct MetricSummableStateTests {
  static let truth: [Float] = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1]
  static let scores: [Float] = [0.9, 0.2, 0.4, 0.8, 0.6, 0.1, 0.7, 0.3, 0.55, 0.2]

  static func makers() -> [(String, () throws -> Metric)] {
    [
      ("binary accuracy", { BinaryAccuracy() }),
      ("precision", { Precision() }),
      ("recall", { Recall(thresholds: [0.3, 0.5, 0.7]) }),
      ("auc", { AUC(numThresholds: 20) }),
      ("f1", { F1Score(average: .macro, threshold: 0.5) }),
      ("r2", { try R2Score(numRegressors: 1) }),
      ("sum", { Sum() }),
      ("false negatives", { FalseNegatives(thresholds: [0.25, 0.5]) }),
      ("precision at recall", { try PrecisionAtRecall(recall: 0.6, numThresholds: 11) }),
      ("binary iou", { try BinaryIoU() }),
    ]
  }

  private func update(_ metric: Metric, _ range: Range<Int>) throws {
    let truth = Array(Self.truth[range])
    let scores = Array(Self.scores[range])
    try metric.update(
      Tensor(truth, shape: [truth.count, 1]), Tensor(scores, shape: [scores.count, 1]))
  }

  @Test(arguments: 0..<10)
  func summedHalvesEqualTheWhole(index: Int) throws {
    let (name, make) = Self.makers()[index]
    let whole = try make()
    try update(whole, 0..<10)
    let first = try make()
    try update(first, 0..<4)
    let second = try make()
    try update(second, 4..<10)
    let merged = try make()
    try merged.loadSummedStates([first.summableState, second.summableState])
    #expect(abs(merged.result() - whole.result()) < 1e-12, "\(name)")
    #expect(merged.result() != (try make()).result() || whole.result() == 0, "\(name)")
  }

  @Test(arguments: 0..<10)
  func aProcessThatCountedNothingAddsNothing(index: Int) throws {
    let (name, make) = Self.makers()[index]
    let whole = try make()
    try update(whole, 0..<10)
    let merged = try make()
    try merged.loadSummedStates([(try make()).summableState, whole.summableState])
    #expect(abs(merged.result() - whole.result()) < 1e-12, "\(name)")
    let empty = try make()
    try empty.loadSummedStates([[], []])
    #expect(empty.result() == (try make()).result(), "\(name)")
  }

  @Test func statesOfDifferentLayoutsAreRefused() throws {
    let recall = Recall(thresholds: [0.3, 0.5])
    #expect {
      try recall.loadSummedStates([[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4]])
    } throws: { error in
      "\(error)".contains("different layouts") && "\(error)".contains("Recall")
    }
  }
}
