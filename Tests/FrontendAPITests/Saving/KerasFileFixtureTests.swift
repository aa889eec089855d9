import Foundation
import Plexus
import Testing

/// `.keras` files saved by Keras 3 (`Tests/Fixtures/KerasFiles/generate.sh`) load here and
/// predict what Keras predicted, with the optimizer's step count restored.
@Suite struct KerasFileFixtureTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Saving
    .deletingLastPathComponent()  // FrontendAPITests
    .deletingLastPathComponent()  // Tests
    .appendingPathComponent("Fixtures/KerasFiles")
  /// Relative tolerance of predictions against Keras's (plus the same absolute floor).
  static let tolerance: Float = 1e-5

  static let cases = [
    "sequential_mlp", "functional_two_io", "cnn_batchnorm", "uncompiled_functional",
  ]

  static func tensors(_ value: ConfigValue?) throws -> [Tensor] {
    try (value?.arrayValue ?? []).map { entry in
      let shape = entry["shape"]?.shapeValue ?? []
      let values = (entry["values"]?.arrayValue ?? []).map { Float($0.doubleValue ?? .nan) }
      return try Tensor(values, shape: Shape(shape))
    }
  }

  @Test(arguments: cases)
  func kerasFileLoadsAndPredictsAsKeras(_ name: String) throws {
    let path = Self.directory.appendingPathComponent(name + ".keras").path
    let record = try ConfigValue(
      json: String(
        contentsOf: Self.directory.appendingPathComponent(name + ".json"), encoding: .utf8))
    let model = try loadModel(path)
    let inputs = try Self.tensors(record["inputs"])
    let expected = try Self.tensors(record["outputs"])
    let predicted =
      inputs.count == 1 && expected.count == 1
      ? [try model.predict(inputs[0])] : try model.predict(inputs)
    #expect(predicted.count == expected.count)
    for (output, (mine, theirs)) in zip(predicted, expected).enumerated() {
      #expect(mine.shape == theirs.shape, "output \(output)")
      for (a, b) in zip(try mine.floats(), try theirs.floats()) {
        #expect(abs(a - b) <= Self.tolerance * max(1, abs(b)), "\(name) output \(output)")
      }
    }
    if let iterations = record["iterations"]?.intValue {
      #expect(model.optimizer?.iterations == iterations)
    } else {
      #expect(model.optimizer == nil)
    }
  }

  @Test func compileFalseLoadsNoOptimizer() throws {
    let path = Self.directory.appendingPathComponent("sequential_mlp.keras").path
    let model = try loadModel(path, compile: false)
    #expect(model.optimizer == nil)
    #expect(model.weights.count == 4)
  }
}

/// Loading runs no code: a Keras file with a Lambda layer (Python bytecode) is refused, naming
/// the class and how to register a replacement.
@Suite struct KerasFileSafeModeTests {
  @Test func lambdaLayerIsRefusedWithHowToRegister() throws {
    let path = KerasFileFixtureTests.directory.appendingPathComponent("lambda_layer.keras").path
    do {
      _ = try loadModel(path)
      Issue.record("a Lambda layer loaded")
    } catch {
      let message = "\(error)"
      #expect(message.contains("'Lambda'"), "\(message)")
      #expect(message.contains("register"), "\(message)")
    }
  }
}
