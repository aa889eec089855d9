import Foundation
import Testing

@testable import Plexus

/// The new losses under hostile input: NaN, empty batches, mismatched shapes and dtypes, and
/// settings at the ends of their types. Each returns (NaN propagates) or throws an error that
/// names the loss and what it expected and received.
@Suite struct LossHostileInputTests {
  typealias E = ExtremeValues

  static func losses() -> [Loss] {
    [
      Huber(), MeanAbsoluteError(), MeanAbsolutePercentageError(), KLDivergence(),
      CosineSimilarity(), Hinge(), LogCosh(), Poisson(),
    ]
  }

  @Test func mismatchedShapesThrowNamingTheLossAndBothShapes() throws {
    for loss in Self.losses() {
      #expect {
        _ = try loss(Tensor.zeros([4, 2]), Tensor.zeros([4, 3]))
      } throws: { error in
        let text = "\(error)"
        return error is PlexusError && text.contains(loss.className) && text.contains("(4, 2)")
          && text.contains("(4, 3)")
      }
    }
  }

  @Test func integerPredictionsAndBadWeightsThrowNamingTheLoss() throws {
    for loss in Self.losses() {
      #expect {
        _ = try loss(Tensor.zeros([2, 3]), Tensor.zeros([2, 3], dtype: .int32))
      } throws: { error in
        "\(error)".contains(loss.className) && "\(error)".contains("int32")
      }
      #expect {
        _ = try loss(Tensor.zeros([2, 3]), Tensor.ones([2, 3]), sampleWeight: Tensor.ones([5]))
      } throws: { error in
        "\(error)".contains(loss.className) && "\(error)".contains("sample_weight")
      }
    }
  }

  @Test func nanPredictionsGiveNaNNotATrap() throws {
    for loss in Self.losses() {
      let value = try loss(
        Tensor([0.5, 0.5] as [Float], shape: [1, 2]), Tensor([Float.nan, 0.5], shape: [1, 2]))
      #expect(try value.item().isNaN, "\(loss.className)")
    }
  }

  /// Keras returns an empty array for an empty batch; Plexus's reductions give 0 (the mean of
  /// nothing is taken as 0, as for the other losses) and `none` the empty per-sample values.
  @Test func emptyBatchesGiveZeroOrNothing() throws {
    for loss in Self.losses() {
      let empty = try Tensor.zeros([0, 3])
      #expect(try loss(empty, empty).item() == 0, "\(loss.className)")
      loss.reduction = .none
      #expect(try loss(empty, empty).shape == [0], "\(loss.className)")
    }
  }

  @Test func settingsOutOfRangeThrowNamingTheSetting() throws {
    let x = try Tensor.ones([2, 3])
    for delta in [-1, Double.nan, .infinity] {
      #expect {
        _ = try Huber(delta: delta)(x, x)
      } throws: { error in
        "\(error)".contains("Huber") && "\(error)".contains("delta")
      }
    }
    for axis in [2, -3, Int.max, Int.min] {
      #expect {
        _ = try CosineSimilarity(axis: axis)(x, x)
      } throws: { error in
        "\(error)".contains("CosineSimilarity") && "\(error)".contains("axis \(axis)")
      }
    }
  }

  @Test func extremeTensorsAndSettings() throws {
    var losses = Self.losses()
    losses += E.doubles.map { Huber(delta: $0) }
    losses += E.ints.map { CosineSimilarity(axis: $0) }
    for labels in try E.tensors() {
      for predictions in try E.tensors() {
        for loss in losses {
          E.survive("\(loss.className) \(labels.shape) \(predictions.shape)") {
            try loss(labels, predictions, sampleWeight: labels)
          }
        }
      }
    }
  }
}
