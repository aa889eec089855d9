import Foundation
import Plexus
import Testing

/// `.keras` files with recurrent layers saved by Keras 3 (`Tests/Fixtures/KerasRecurrent`): an
/// LSTM Sequential model, a Functional model of Bidirectional GRU and LSTM layers and a
/// TimeDistributed Dense, and a sequence-to-sequence model (an encoder's `return_state` feeding
/// a decoder's `initial_state`, the encoder's `h` an output too) load with `loadModel`, predict
/// what Keras predicted and restore the optimizer's step count; saved again by Plexus, they
/// load back to the same predictions.
@Suite struct KerasRecurrentFileTests {
  static let tolerance: Float = 1e-5

  static func record(_ name: String) throws -> ConfigValue {
    try ConfigValue(
      json: String(
        contentsOf: KerasRecurrentFixtures.directory.appendingPathComponent(name + ".json"),
        encoding: .utf8))
  }

  static func check(_ predicted: Tensor, _ expected: Tensor, _ what: String) throws {
    #expect(predicted.shape == expected.shape, "\(what) shape")
    for (a, b) in zip(try predicted.floats(), try expected.floats()) {
      #expect(abs(a - b) <= tolerance * max(1, abs(b)), "\(what): \(a) against \(b)")
    }
  }

  @Test(arguments: KerasRecurrentFixtures.models)
  func kerasFileLoadsAndPredictsAsKeras(_ name: String) throws {
    let path = KerasRecurrentFixtures.directory.appendingPathComponent(name + ".keras").path
    let record = try Self.record(name)
    let model = try loadModel(path)
    let inputs = try KerasFileFixtureTests.tensors(record["inputs"])
    let expected = try KerasFileFixtureTests.tensors(record["outputs"])
    try #require(inputs.count == model.inputCount && expected.count == model.outputCount)
    for (index, predicted) in try model.predict(inputs).enumerated() {
      try Self.check(predicted, expected[index], "\(name) output \(index)")
    }
    #expect(model.optimizer?.iterations == record["iterations"]?.intValue)

    let copy = NSTemporaryDirectory() + "plexus-rnn-\(UUID().uuidString).keras"
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try model.save(copy)
    let reloaded = try loadModel(copy)
    for (index, predicted) in try reloaded.predict(inputs).enumerated() {
      try Self.check(predicted, expected[index], "\(name) saved by Plexus, output \(index)")
    }
    #expect(reloaded.optimizer?.iterations == record["iterations"]?.intValue)
    #expect(reloaded.kerasWeightPaths == model.kerasWeightPaths)
  }
}
