import Foundation
import Plexus
import Testing

/// The recurrent layers' settings, shapes and errors (Keras parity is in
/// KerasRecurrentParityTests).
@Suite struct RecurrentLayerTests {
  static func input(_ shape: Shape) throws -> Tensor {
    try Tensor([Float](repeating: 0.5, count: shape.elementCount), shape: shape)
  }

  @Test func shapesFollowTheSettings() throws {
    let x = try Self.input([2, 5, 3])
    #expect(try LSTM(4)(x).shape == [2, 4])
    #expect(try GRU(4, returnSequences: true)(x).shape == [2, 5, 4])
    #expect(try SimpleRNN(2, goBackwards: true)(x).shape == [2, 2])
    let states = try LSTM(3, returnState: true).callWithStates(x)
    #expect(states.map(\.shape) == [[2, 3], [2, 3], [2, 3]])
    #expect(try Bidirectional(GRU(2, returnSequences: true))(x).shape == [2, 5, 4])
    #expect(try TimeDistributed(Dense(6))(x).shape == [2, 5, 6])
    #expect(try LSTMCell(3)(Self.input([2, 4])).shape == [2, 3])
  }

  @Test func initialStateIsUsed() throws {
    let layer = SimpleRNN(2)
    let x = try Self.input([1, 2, 3])
    let fromZero = try layer.callWithStates(x)[0]
    let fromOnes = try layer.callWithStates(x, initialState: [Tensor.ones([1, 2])])[0]
    #expect(try fromZero.floats() != fromOnes.floats())
    let text = thrownText { try layer.callWithStates(x, initialState: [Tensor.ones([1, 3])]) }
    #expect(text?.contains("initial state") == true)
  }

  @Test func badInputsAndSettingsThrowNamingTheLayer() throws {
    let cases: [(Layer, Shape, String)] = [
      (LSTM(3, name: "rank_two"), [2, 3], "rank_two"),
      (GRU(0, name: "no_units"), [1, 2, 3], "units"),
      (SimpleRNN(1 << 30, name: "huge"), [1, 2, 3], "units"),
      (LSTM(2, dropout: 0.5, name: "dropping"), [1, 2, 3], "dropout"),
      (GRU(2, recurrentDropout: .nan, name: "nan_rate"), [1, 2, 3], "recurrent_dropout"),
      (LSTM(2, stateful: true, name: "kept"), [1, 2, 3], "stateful"),
      (LSTM(2, returnState: true, name: "stated"), [1, 2, 3], "callWithStates"),
      (TimeDistributed(Dense(2), name: "flat"), [2, 3], "flat"),
    ]
    for (layer, shape, needle) in cases {
      let text = thrownText { try layer(Self.input(shape)) }
      #expect(text?.contains(needle) == true, "\(layer.name): \(text ?? "no error")")
      #expect(text?.contains(layer.name) == true, "\(layer.name): \(text ?? "no error")")
    }
    let merged = try Bidirectional(LSTM(2), mergeMode: nil, name: "apart")
    #expect(thrownText { try merged(Self.input([1, 2, 3])) }?.contains("apart") == true)
    #expect(throws: PlexusError.self) {
      try Bidirectional(LSTM(2), backwardLayer: LSTM(2), name: "same_direction")
    }
  }

  @Test func badConfigsThrow() throws {
    let lstm = LSTM(2)
    for (key, value) in [
      ("units", ConfigValue.int(0)), ("dropout", .double(0.3)), ("activity_regularizer", "l2"),
    ] {
      #expect(throws: PlexusError.self, "\(key)") {
        try Layer.fromConfig(serialized(lstm, setting: key, to: value))
      }
    }
  }

  @Test func orthogonalIsOrthogonalAndSavesAsKeras() throws {
    for shape: Shape in [[4, 4], [3, 6], [6, 3], [2, 2, 3]] {
      let values = try Initializer.orthogonal(gain: 2)(shape).floats()
      let columns = shape[shape.rank - 1]
      let rows = values.count / columns
      // The narrow side's vectors are orthogonal with norm `gain`.
      let byRows = rows <= columns
      let count = byRows ? rows : columns
      let length = byRows ? columns : rows
      for a in 0..<count {
        for b in 0..<count {
          var dot: Float = 0
          for k in 0..<length {
            let left = byRows ? values[a * columns + k] : values[k * columns + a]
            let right = byRows ? values[b * columns + k] : values[k * columns + b]
            dot += left * right
          }
          #expect(abs(dot - (a == b ? 4 : 0)) < 1e-4, "\(shape) \(a) \(b)")
        }
      }
    }
    let config = Initializer.orthogonal(gain: 0.5).seeded(3).serialized.value
    #expect(config["config"]?["gain"] == .double(0.5))
    #expect(config["config"]?["seed"] == .int(3))
    #expect(try Initializer.fromConfig(config) == Initializer.orthogonal(gain: 0.5).seeded(3))
    #expect(throws: PlexusError.self) { try Initializer.orthogonal()([4]) }
  }

  @Test func cellsAndRNNRoundTripTheirConfigs() throws {
    let layers: [Layer] = [
      LSTMCell(3, unitForgetBias: false), GRUCell(2, resetAfter: false), SimpleRNNCell(4),
      RNN(GRUCell(2), returnSequences: true), TimeDistributed(Dense(2)),
    ]
    for layer in layers {
      let copy = try Layer.fromConfig(layer.serialized.value)
      #expect(copy.serialized.value == layer.serialized.value, "\(layer.className)")
    }
  }

  @Test func trainsThroughTheTape() throws {
    let layer = try Bidirectional(LSTM(3, returnSequences: true), mergeMode: .ave)
    let x = try Self.input([2, 4, 3])
    _ = try layer(x)
    let tape = GradientTape()
    let loss = try tape.record { try Ops.sum(layer(x, training: true)) }
    let gradients = try tape.gradient(of: loss, wrt: layer.trainableWeights)
    #expect(gradients.count == 6)
    #expect(gradients.allSatisfy { $0 != nil })
  }
}
