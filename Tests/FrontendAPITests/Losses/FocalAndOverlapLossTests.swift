import Foundation
import Plexus
import Testing

/// The focal cross-entropies and the overlap losses (Dice, Tversky) beyond the Keras fixtures:
/// hand-worked values, the settings and shapes they refuse, and training that lowers them.
@Suite struct FocalAndOverlapLossTests {
  /// A mask 1 1 0 0 predicted 1 0.5 0.5 0: the intersection is 1.5, the masses 2 and 2, so
  /// Dice is 1 - 3 / 4 = 0.25. Tversky with α 0.7, β 0.3: the target mass missed is 0.5,
  /// the mass outside 0.5, so 1 - 1.5 / (1.5 + 0.35 + 0.15) = 0.25.
  @Test func handWorkedOverlaps() throws {
    let mask = try Tensor([1, 1, 0, 0] as [Float], shape: [1, 4])
    let predicted = try Tensor([1, 0.5, 0.5, 0] as [Float], shape: [1, 4])
    let dice = try Dice()(mask, predicted).scalars(Float.self)[0]
    #expect(abs(dice - 0.25) < 1e-6)
    let tversky = try Tversky(alpha: 0.7, beta: 0.3)(mask, predicted).scalars(Float.self)[0]
    #expect(abs(tversky - 0.25) < 1e-6)
    // Per sample over axis 1, and unreduced: one value per row.
    let perRow = try Dice(axis: [1], reduction: .none).call(mask, predicted)
    #expect(perRow.shape == [1])
  }

  /// Gamma 0 leaves the cross-entropy; a confident right prediction (p 0.9 for label 1) is
  /// scaled by 0.1² = 0.01 under gamma 2.
  @Test func focalScalingIsHandWorked() throws {
    let label = try Tensor([1] as [Float], shape: [1, 1])
    let p = try Tensor([0.9] as [Float], shape: [1, 1])
    let plain = try BinaryCrossentropy()(label, p).scalars(Float.self)[0]
    let gammaZero = try BinaryFocalCrossentropy(gamma: 0)(label, p).scalars(Float.self)[0]
    #expect(abs(gammaZero - plain) < 1e-7)
    let focal = try BinaryFocalCrossentropy()(label, p).scalars(Float.self)[0]
    #expect(abs(focal - 0.01 * plain) < 1e-7)
    // Class balancing weighs a positive label alpha.
    let balanced = try BinaryFocalCrossentropy(applyClassBalancing: true, alpha: 0.4)(label, p)
    #expect(abs(try balanced.scalars(Float.self)[0] - 0.004 * plain) < 1e-7)
    // Categorical: one-hot [0, 1] against [0.2, 0.8]: α · 0.2² · -log(0.8).
    let categorical = try CategoricalFocalCrossentropy()(
      Tensor([0, 1] as [Float], shape: [1, 2]), Tensor([0.2, 0.8] as [Float], shape: [1, 2]))
    let expected = Float(0.25 * 0.04 * -log(0.8))
    #expect(abs(try categorical.scalars(Float.self)[0] - expected) < 1e-7)
  }

  @Test func refusesBadSettingsAndShapes() throws {
    let x = try Tensor.zeros([2, 3])
    for axis in [[1, 1], [2], [-3], [Int.max], [Int.min], []] {
      #expect(throws: PlexusError.self, "axis \(axis)") { try Dice(axis: axis)(x, x) }
      #expect(throws: PlexusError.self, "axis \(axis)") { try Tversky(axis: axis)(x, x) }
    }
    for value in [Double.nan, .infinity, -.infinity] {
      #expect(throws: PlexusError.self) { try BinaryFocalCrossentropy(alpha: value)(x, x) }
      #expect(throws: PlexusError.self) { try CategoricalFocalCrossentropy(gamma: value)(x, x) }
      #expect(throws: PlexusError.self) { try Tversky(beta: value)(x, x) }
    }
    #expect(throws: PlexusError.self) { try BinaryFocalCrossentropy(labelSmoothing: 2)(x, x) }
    #expect(throws: PlexusError.self) {
      try CategoricalFocalCrossentropy()(Tensor.zeros([2, 4]), x)
    }
    #expect(throws: PlexusError.self) { try Dice()(Tensor.zeros([3, 3]), x) }
    #expect(throws: PlexusError.self) {
      try Loss.fromConfig(.object(["class_name": "Dice", "config": ["axis": "rows"]]))
    }
    #expect(throws: PlexusError.self) {
      try Loss.fromConfig(
        .object(["class_name": "BinaryFocalCrossentropy", "config": ["axis": 0]]))
    }
  }

  /// Keras's names and class names make each loss, whose config rebuilds it.
  @Test func namesAndConfigs() throws {
    #expect(try Loss.named("dice") is Dice)
    #expect(try Loss.named("tversky") is Tversky)
    #expect(try Loss.named("binary_focal_crossentropy") is BinaryFocalCrossentropy)
    #expect(try Loss.named("categorical_focal_crossentropy") is CategoricalFocalCrossentropy)
    let losses: [Loss] = [
      Dice(axis: [1, 2]), Tversky(alpha: 0.2, beta: 0.8, axis: [-1]),
      BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 1),
      CategoricalFocalCrossentropy(alpha: 0.5, fromLogits: true),
    ]
    for loss in losses {
      let rebuilt = try Loss.fromConfig(loss.serialized.value)
      #expect(rebuilt.config == loss.config)
    }
    #expect(losses[1].config["axis"] == -1)
  }

  /// Each loss trains a small sigmoid model: the last epoch's loss is well below the first's.
  @Test(arguments: ["binary_focal_crossentropy", "dice", "tversky"])
  func trainingLowersTheLoss(_ name: String) throws {
    // Scattered values in [0, 1) without a random stream: (37·i mod 101) / 101.
    let values = (0..<(64 * 6)).map { Double($0 * 37 % 101) / 101 }
    let x = try Tensor(values.map(Float.init), shape: [64, 6])
    let targets = (0..<64).flatMap { row in (0..<3).map { values[row * 6 + $0] > 0.5 ? 1 : 0 } }
    let y = try Tensor(targets.map(Float.init), shape: [64, 3])
    let model = Sequential {
      Input(shape: [6])
      Dense(3, activation: .sigmoid)
    }
    try model.compile(optimizer: Adam(learningRate: 0.05), loss: try Loss.named(name))
    let history = try model.fit(x, y, batchSize: 16, epochs: 15, verbose: 0)
    let losses = history.history["loss"] ?? []
    #expect(losses.count == 15)
    #expect((losses.last ?? 1) < 0.8 * (losses.first ?? 0), "\(name): \(losses)")
  }
}
