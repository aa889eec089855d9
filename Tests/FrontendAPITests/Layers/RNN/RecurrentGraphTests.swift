import Foundation
import Plexus
import Testing

/// Recurrent layers in Functional graphs with `return_state` and `initial_state`: Keras's
/// encoder–decoder, where the encoder's final states start the decoder.
@Suite struct RecurrentGraphTests {
  struct Seq2Seq {
    let model: Model
    let encoder: LSTM
    let decoder: LSTM
    let dense: Dense
  }

  static func seq2seq() throws -> Seq2Seq {
    let source = Input(shape: [5, 3], name: "source")
    let target = Input(shape: [4, 2], name: "target")
    let encoder = LSTM(6, returnState: true, name: "encoder")
    let decoder = LSTM(6, returnSequences: true, name: "decoder")
    let dense = Dense(2, name: "out")
    let encoded = try encoder.callWithStates(source)
    #expect(encoded.count == 3)
    #expect(encoded.map(\.shape) == [[-1, 6], [-1, 6], [-1, 6]])
    let decoded = try decoder(target, initialState: Array(encoded.dropFirst()))
    let model = try Model(
      inputs: [source, target], outputs: [try dense(decoded), encoded[1]], name: "seq2seq")
    return Seq2Seq(model: model, encoder: encoder, decoder: decoder, dense: dense)
  }

  static func data(_ batch: Int = 3) throws -> [Tensor] {
    let source = (0..<(batch * 15)).map { Float(sin(Double($0) * 0.37)) }
    let target = (0..<(batch * 8)).map { Float(cos(Double($0) * 0.21)) }
    return [try Tensor(source, shape: [batch, 5, 3]), try Tensor(target, shape: [batch, 4, 2])]
  }

  static func close(_ a: Tensor, _ b: Tensor, _ what: String) throws {
    #expect(a.shape == b.shape, "\(what) shape")
    for (p, q) in zip(try a.floats(), try b.floats()) {
      #expect(abs(p - q) <= 1e-6 + 1e-5 * abs(q), "\(what): \(p) against \(q)")
    }
  }

  @Test func theGraphComputesWhatTheLayersDoEagerly() throws {
    try withRandomSeed(5) {
      let net = try Self.seq2seq()
      let inputs = try Self.data()
      let predicted = try net.model.predict(inputs)
      #expect(predicted.count == 2)
      // Independently, layer by layer.
      let states = try net.encoder.callWithStates(inputs[0])
      let decoded = try net.decoder.callWithStates(
        inputs[1], initialState: Array(states.dropFirst()))[0]
      try Self.close(predicted[0], try net.dense(decoded), "decoded")
      try Self.close(predicted[1], states[1], "encoder h")
      // The decoder reads the encoder's states: starting it from zeros gives other values.
      let fromZeros = try net.dense(try net.decoder(inputs[1]))
      #expect(try fromZeros.floats() != predicted[0].floats())
    }
  }

  @Test func theConfigAndFileRoundTripAsKerasWritesThem() throws {
    try withRandomSeed(6) {
      let net = try Self.seq2seq()
      let inputs = try Self.data()
      let config = net.model.serialized.value
      let decoderNode = config["config"]?["layers"]?.arrayValue?
        .first { $0["name"]?.stringValue == "decoder" }?["inbound_nodes"]?.arrayValue?.first
      let states = decoderNode?["kwargs"]?["initial_state"]?.arrayValue ?? []
      #expect(
        states.map { $0["config"]?["keras_history"] }
          == [["encoder", 0, 1], ["encoder", 0, 2]] as [ConfigValue?])
      #expect(config["config"]?["output_layers"] == [["out", 0, 0], ["encoder", 0, 1]])

      let path = NSTemporaryDirectory() + "plexus-seq2seq-\(UUID().uuidString).keras"
      defer { try? FileManager.default.removeItem(atPath: path) }
      try net.model.save(path)
      let loaded = try loadModel(path)
      let reloaded = try loaded.predict(inputs)
      #expect(reloaded.count == 2)
      for (a, b) in zip(reloaded, try net.model.predict(inputs)) {
        #expect(try a.floats() == b.floats())
      }
    }
  }

  @Test func trainingReachesTheEncoderThroughTheStates() throws {
    try withRandomSeed(7) {
      let source = Input(shape: [5, 3])
      let target = Input(shape: [4, 2])
      let encoder = LSTM(4, returnState: true, name: "encoder")
      let states = try encoder.callWithStates(source)
      let decoded = try LSTM(4, returnSequences: true)(
        target, initialState: Array(states.dropFirst()))
      let model = try Model(inputs: [source, target], outputs: [try Dense(2)(decoded)])
      try model.compile(optimizer: SGD(learningRate: 0.1), loss: "mse")
      let inputs = try Self.data(8)
      let y = try Tensor((0..<64).map { Float($0 % 5) / 5 }, shape: [8, 4, 2])
      let before = try encoder.weights.map { try $0.value.floats() }
      let history = try model.fit(inputs, [y], batchSize: 4, epochs: 3, verbose: 0)
      // The encoder's only path to the loss is its final states.
      #expect(try encoder.weights.map { try $0.value.floats() } != before)
      let losses = history.history["loss"] ?? []
      #expect(losses.count == 3 && losses[2] < losses[0])
    }
  }

  /// A Bidirectional encoder's four states, joined per kind, start a decoder; a Bidirectional
  /// without a merge mode gives both directions apart, started from the encoder's states.
  static func bidirectional() throws -> (model: Model, encoder: Bidirectional, apart: Bidirectional)
  {
    let source = Input(shape: [5, 3])
    let target = Input(shape: [4, 2])
    let encoder = try Bidirectional(LSTM(3, returnState: true), name: "encoder")
    let encoded = try encoder.callWithStates(source)
    #expect(encoded.map(\.shape) == [[-1, 6], [-1, 3], [-1, 3], [-1, 3], [-1, 3]])
    let states = Array(encoded.dropFirst())
    let apart = try Bidirectional(
      LSTM(3, returnSequences: true), mergeMode: nil, name: "apart")
    let directions = try apart.callWithStates(target, initialState: states)
    #expect(directions.map(\.shape) == [[-1, 4, 3], [-1, 4, 3]])
    let model = try Model(
      inputs: [source, target],
      outputs: [try Concatenate()(directions), states[2]], name: "bidirectional")
    return (model, encoder, apart)
  }

  @Test func bidirectionalStatesFlowThroughTheGraphAsEagerly() throws {
    try withRandomSeed(8) {
      let (model, encoder, apart) = try Self.bidirectional()
      let inputs = try Self.data()
      let predicted = try model.predict(inputs)
      let states = Array(try encoder.callWithStates(inputs[0]).dropFirst())
      let directions = try apart.callWithStates(inputs[1], initialState: states)
      try Self.close(predicted[0], try Concatenate()(directions), "directions")
      try Self.close(predicted[1], states[2], "backward h")
      let path = NSTemporaryDirectory() + "plexus-bidirectional-\(UUID().uuidString).keras"
      defer { try? FileManager.default.removeItem(atPath: path) }
      try model.save(path)
      let reloaded = try loadModel(path).predict(inputs)
      #expect(reloaded.count == predicted.count)
      for (a, b) in zip(reloaded, predicted) {
        #expect(try a.floats() == b.floats())
      }
      let wrong = thrownText { try apart.callWithStates(inputs[1], initialState: [states[0]]) }
      #expect(wrong?.contains("initial_state") == true, "\(wrong ?? "no error")")
    }
  }

  @Test func misuseIsAnErrorNamingTheLayer() throws {
    let x = Input(shape: [5, 3])
    let stated = LSTM(2, returnState: true, name: "stated")
    let text = thrownText { try stated(x) } ?? ""
    #expect(text.contains("stated") && text.contains("callWithStates"), "\(text)")
    let both = try Bidirectional(LSTM(2), mergeMode: nil, name: "both_ways")
    let bothText = thrownText { try both(x) } ?? ""
    #expect(bothText.contains("both_ways") && bothText.contains("callWithStates"), "\(bothText)")
    let h = try Dense(2)(Input(shape: [2]))
    let wrong =
      thrownText {
        try LSTM(2, name: "two_states")(x, initialState: [h])
      } ?? ""
    #expect(wrong.contains("two_states") && wrong.contains("initial_state"), "\(wrong)")
    let wide = try Dense(3)(Input(shape: [2]))
    let widthText =
      thrownText {
        try GRU(2, name: "narrow")(x, initialState: [wide])
      } ?? ""
    #expect(widthText.contains("narrow") && widthText.contains("initial_state"), "\(widthText)")
  }
}
