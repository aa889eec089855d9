import Foundation
import Plexus
import Testing

/// `useEMA`: moving averages of the variables, overwritten into them every
/// `emaOverwriteFrequency` steps and at the end of `fit`.
@Suite struct MovingAverageTests {
  @Test func averagesFollowKerasFormula() throws {
    let optimizer = SGD(learningRate: 1, useEMA: true, emaMomentum: 0.5)
    let w = Variable(try Tensor([Float(0)]), name: "w")
    let frozen = Variable(try Tensor([Float(4)]), name: "frozen")
    // The first step copies the variable; later ones blend. A variable without a gradient
    // still gets an average, as in Keras.
    try optimizer.apply([Tensor([Float(-2)]), nil], to: [w, frozen])
    try optimizer.apply([Tensor([Float(-2)]), nil], to: [w, frozen])
    let averages = try optimizer.stateVariables(for: [w, frozen])
    #expect(try averages[0].value.scalars(Float.self) == [3])  // 0.5·2 + 0.5·4
    #expect(try averages[1].value.scalars(Float.self) == [4])
    #expect(try w.value.scalars(Float.self) == [4])
    try optimizer.finalizeVariableValues([w])
    #expect(try w.value.scalars(Float.self) == [3])
  }

  @Test func overwriteFrequencyCopiesTheAveragesIn() throws {
    let optimizer = SGD(learningRate: 1, useEMA: true, emaMomentum: 0.5, emaOverwriteFrequency: 2)
    let w = Variable(try Tensor([Float(0)]), name: "w")
    try optimizer.apply([Tensor([Float(-2)])], to: [w])
    #expect(try w.value.scalars(Float.self) == [2])
    try optimizer.apply([Tensor([Float(-2)])], to: [w])
    // Step 2: w = 4, average = 3, and the overwrite sets w to 3.
    #expect(try w.value.scalars(Float.self) == [3])
  }

  @Test func withoutEMAFinalizingChangesNothing() throws {
    let optimizer = Adam()
    let w = Variable(try Tensor([Float(1)]), name: "w")
    try optimizer.apply([Tensor([Float(1)])], to: [w])
    let before = try w.value.scalars(Float.self)
    try optimizer.finalizeVariableValues([w])
    #expect(try w.value.scalars(Float.self) == before)
    #expect(optimizer.config["use_ema"] == false)
  }

  @Test func fitEndsWithTheAveragedWeights() throws {
    let model = Sequential {
      Input(shape: [4])
      Dense(3, activation: .relu)
      Dense(2)
    }
    let optimizer = Adam(learningRate: 0.05, useEMA: true, emaMomentum: 0.9)
    try model.compile(optimizer: optimizer, loss: MeanSquaredError())
    let x = try withRandomSeed(7) { try Ops.randomUniform([32, 4], minval: -1, maxval: 1) }
    let y = try withRandomSeed(8) { try Ops.randomUniform([32, 2], minval: -1, maxval: 1) }
    try model.fit(x, y, batchSize: 8, epochs: 2, verbose: 0, shuffle: false)
    #expect(optimizer.iterations == 8)
    let averages = try optimizer.stateVariables(for: model.trainableWeights).prefix(4)
    for (variable, average) in zip(model.trainableWeights, averages) {
      #expect(try variable.value.scalars(Float.self) == average.value.scalars(Float.self))
    }
    #expect(optimizer.config["use_ema"] == true)
    #expect(optimizer.config["ema_momentum"] == 0.9)
  }
}
