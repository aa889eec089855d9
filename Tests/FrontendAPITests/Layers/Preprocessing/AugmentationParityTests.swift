import Foundation
import Plexus
import Testing

/// The image augmentation layers, Resizing and CenterCrop against Keras 3
/// (`Tests/Fixtures/KerasAugmentation`): each config Keras wrote rebuilds the layer and is
/// written back unchanged, and the transformation Keras drew, applied by
/// ``ImageAugmentation/transformImages(_:transformation:)`` (or the deterministic layer's call),
/// gives Keras's images within `1e-5 · max(|keras|, 1)` (bilinear and nearest reads, every fill
/// mode, flips, contrast, brightness; every resize kernel, antialiasing, the aspect-ratio crop
/// and pad, the centre crop and its resize).
@Suite struct AugmentationParityTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Preprocessing
    .deletingLastPathComponent()  // Layers
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasAugmentation")
  static let tolerance = 1e-5

  static func names() -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  static func tensor(_ value: ConfigValue?) throws -> Tensor {
    let dims = value?["shape"]?.shapeValue ?? []
    let values = (value?["values"]?.arrayValue ?? []).compactMap(\.doubleValue).map(Float.init)
    return try Tensor(values, shape: Shape(dims))
  }

  @Test func fixturesArePresent() {
    #expect(Self.names().count >= 29)
  }

  @Test(arguments: names())
  func matchesKeras(_ name: String) throws {
    let root = try ConfigValue(
      json: String(
        contentsOf: Self.directory.appendingPathComponent(name + ".json"), encoding: .utf8))
    let serialized = try #require(root["layer"])
    let layer = try Layer.fromConfig(serialized)
    #expect(
      layer.serialized.value == serialized,
      "\(name): \(KerasFixtures.differences(layer.serialized.value, serialized))")
    let images = try Self.tensor(root["images"])
    let output: Tensor
    if let augmentation = layer as? ImageAugmentation {
      output = try augmentation.transformImages(
        images, transformation: try Self.tensor(root["transformation"]))
      // At inference the layer passes the images through.
      #expect(try layer(images).floats() == images.floats())
    } else {
      // Resizing and CenterCrop: the same in training and inference.
      output = try layer(images)
      #expect(try layer(images, training: true).floats() == output.floats())
    }
    let expected = try Self.tensor(root["output"])
    #expect(output.shape == expected.shape)
    var worst = 0.0
    for (mine, theirs) in zip(try output.floats(), try expected.floats()) {
      worst = max(worst, Double(abs(mine - theirs)) / max(1, Double(abs(theirs))))
    }
    #expect(worst <= Self.tolerance, "\(name): error \(worst)")
  }
}
