import Foundation
import Plexus
import Testing

/// `.keras` files with recurrent layers saved by Keras 3 (`Tests/Fixtures/KerasRecurrent`): an
/// LSTM Sequential model and a Functional model of Bidirectional GRU and LSTM layers and a
/// TimeDistributed Dense load with `loadModel`, predict what Keras predicted and restore the
/// optimizer's step count; saved again by Plexus, they load back to the same predictions.
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
    try #require(inputs.count == 1 && expected.count == 1)
    try Self.check(try model.predict(inputs[0]), expected[0], name)
    #expect(model.optimizer?.iterations == record["iterations"]?.intValue)

    let copy = NSTemporaryDirectory() + "plexus-rnn-\(UUID().uuidString).keras"
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try model.save(copy)
    let reloaded = try loadModel(copy)
    try Self.check(try reloaded.predict(inputs[0]), expected[0], "\(name) saved by Plexus")
    #expect(reloaded.optimizer?.iterations == record["iterations"]?.intValue)
    #expect(reloaded.kerasWeightPaths == model.kerasWeightPaths)
  }
}
