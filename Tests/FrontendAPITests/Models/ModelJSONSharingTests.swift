import Foundation
import Testing

@testable import Plexus

/// `Model.fromJSON(_:sharing:)`, which the C ABI's `px_model_from_json_sharing` and so the
/// Python binding use: the JSON's layers of the shared names are the given layer objects, so
/// two models hold one set of weights, as Keras's models share one layer object.
@Suite struct ModelJSONSharingTests {
  private static func encoderAndHead() throws -> (encoder: Sequential, json: String) {
    let encoder = try withRandomSeed(5) {
      let model = Sequential(name: "encoder") {
        Input(shape: [6])
        Dense(4, activation: .tanh, name: "encode")
      }
      try model.buildIfNeeded([[-1, 6]])
      return model
    }
    let head = Sequential(name: "with_head") {
      Input(shape: [6])
      Dense(4, activation: .tanh, name: "encode")
      Dense(2, name: "head")
    }
    return (encoder, head.toJSON())
  }

  @Test func sharedLayersAreTheSameObjectsAndTrainTogether() throws {
    let (encoder, json) = try Self.encoderAndHead()
    let encode = try #require(encoder.layers.first { $0.name == "encode" })
    let model = try Model.fromJSON(json, sharing: ["encode": encode])
    let rebuilt = try #require(model.layers.first { $0.name == "encode" })
    #expect(rebuilt === encode)
    #expect(model.layers.first { $0.name == "head" } !== nil)
    let x = try withRandomSeed(7) { try Ops.randomUniform([32, 6], minval: -1, maxval: 1) }
    let y = try Ops.argmax(Ops.slice(x, starts: [0, 0], sizes: [32, 2]), axis: -1)
    let before = try encoder.predict(x).floats()
    try model.compile(
      optimizer: SGD(learningRate: 0.5), loss: SparseCategoricalCrossentropy(fromLogits: true))
    try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0)
    let after = try encoder.predict(x).floats()
    #expect(after != before, "training the model with the shared layer trains the encoder")
    // The encoder computes tanh(x·W + b) from the weights the model trained.
    let weights = encode.getWeights()
    let expected = try Ops.tanh(Ops.add(Ops.matmul(x, weights[0]), weights[1])).floats()
    #expect(zip(after, expected).allSatisfy { abs($0 - $1) <= 1e-6 })
  }

  @Test func withoutSharingTheLayersAreNew() throws {
    let (encoder, json) = try Self.encoderAndHead()
    let encode = try #require(encoder.layers.first { $0.name == "encode" })
    let model = try Model.fromJSON(json, sharing: [:])
    #expect(model.layers.first { $0.name == "encode" } !== encode)
  }

  /// A shared layer of another class than the JSON's is an error naming both; the model
  /// itself is never replaced, even by a layer of its name.
  @Test func mismatchesAreErrorsAndTheModelIsNeverReplaced() throws {
    let (encoder, json) = try Self.encoderAndHead()
    let text =
      thrownText {
        try Model.fromJSON(json, sharing: ["encode": Dropout(0.5, name: "encode")])
      } ?? ""
    #expect(
      text.contains("encode") && text.contains("Dropout") && text.contains("Dense"), "\(text)")
    let model = try Model.fromJSON(json, sharing: ["with_head": encoder])
    #expect(model !== encoder)
    #expect(model.name == "with_head")
  }
}
