import PlexusTestSupport
import Testing

@testable import Plexus

/// A Sequential runs `Conv(relu) → MaxPooling` as convolution → pooling → relu
/// (`ReluPoolingReorder`): outputs and gradients (input, kernel, bias) must be the bits the
/// layers give one by one, on every backend, including windows whose values are all negative,
/// exact zeros and ties, and NaN.
@Suite struct ReluPoolingReorderTests {
  /// The model's output and gradients of the sum of its squared output, with `call` either the
  /// model or its layers one after another.
  private func run(
    _ model: Sequential, _ x: Tensor, layerByLayer: Bool
  ) throws -> [[Float]] {
    let tape = GradientTape()
    var watched = [x]
    tape.watch(&watched)
    let y = try tape.record { () -> Tensor in
      guard layerByLayer else { return try model(watched[0], training: true) }
      return try model.layers.reduce(watched[0]) { value, layer in
        try layer(value, training: true)
      }
    }
    let loss = try tape.record { try Ops.sum(Ops.square(y)) }
    let sources: [any GradientSource] = [watched[0]] + model.trainableVariables
    let gradients = try tape.gradient(of: loss, wrt: sources)
    return try [y.scalars(Float.self)]
      + gradients.map { try #require($0).scalars(Float.self) }
  }

  private static func bits(_ values: [[Float]]) -> [[UInt32]] {
    values.map { $0.map(\.bitPattern) }
  }

  @Test(arguments: ["reference", "openblas", "onednn"])
  func reorderedPairsGiveTheLayersBits(backend: String) throws {
    try withBackend(backend) {
      let models: [(Sequential, Shape)] = [
        (
          Sequential {
            Input(shape: [9, 9, 3])
            Conv2D(16, kernelSize: 3, activation: .relu)
            MaxPooling2D(poolSize: 2)
            Conv2D(16, kernelSize: 3, padding: .same, activation: .relu)
            MaxPooling2D(poolSize: 3, strides: 2, padding: .same)
          }, [4, 9, 9, 3]
        ),
        (
          Sequential {
            Input(shape: [12, 5])
            Conv1D(6, kernelSize: 3, activation: .relu)
            MaxPooling1D(poolSize: 2)
          }, [3, 12, 5]
        ),
      ]
      for (model, shape) in models {
        let x = try withRandomSeed(3) { try Ops.randomNormal(shape) }
        try model.buildFromInput()
        let reordered = try run(model, x, layerByLayer: false)
        #expect(Self.bits(reordered) == Self.bits(try run(model, x, layerByLayer: true)))
        // A kernel and bias of zeros: every window holds ties at exactly 0.
        for variable in model.trainableVariables {
          try variable.assign(Tensor.zeros(variable.value.shape))
        }
        let tied = try run(model, x, layerByLayer: false)
        #expect(Self.bits(tied) == Self.bits(try run(model, x, layerByLayer: true)))
        #expect(tied[1].allSatisfy { $0 == 0 })
      }
    }
  }

  /// A Functional model reorders a pair whose convolution output only the pooling reads, and
  /// runs a convolution read by two poolings as it is: both give the layers' bits.
  @Test(arguments: ["reference", "onednn"])
  func functionalPairsGiveTheLayersBits(backend: String) throws {
    try withBackend(backend) {
      let (convolution, pooling) = (
        Conv2D(16, kernelSize: 3, activation: .relu), MaxPooling2D(poolSize: 2)
      )
      let (shared, left, right) = (
        Conv2D(8, kernelSize: 3, padding: .same, activation: .relu), MaxPooling2D(poolSize: 2),
        MaxPooling2D(poolSize: 3, strides: 2, padding: .same)
      )
      let inputs = Input(shape: [10, 10, 3])
      let features = try shared(pooling(convolution(inputs)))
      let model = try Model(inputs: inputs, outputs: Add()([left(features), right(features)]))
      let x = try withRandomSeed(4) { try Ops.randomNormal([3, 10, 10, 3]) }
      func gradients(_ forward: (Tensor) throws -> Tensor) throws -> [[UInt32]] {
        let tape = GradientTape()
        var watched = [x]
        tape.watch(&watched)
        let loss = try tape.record { try Ops.sum(Ops.square(forward(watched[0]))) }
        let sources: [any GradientSource] = [watched[0]] + model.trainableVariables
        let values =
          try [loss.scalars(Float.self)]
          + tape.gradient(of: loss, wrt: sources).map { try #require($0).scalars(Float.self) }
        return Self.bits(values)
      }
      let reordered = try gradients { try model($0, training: true) }
      let layered = try gradients { x in
        let y = try shared(pooling(convolution(x, training: true), training: true), training: true)
        return try Add()([left(y, training: true), right(y, training: true)], training: true)
      }
      #expect(reordered == layered)
    }
  }

  /// NaN in the input reaches the output through both orders alike.
  @Test func nanPropagatesAsLayerByLayer() throws {
    let model = Sequential {
      Input(shape: [4, 4, 1])
      Conv2D(2, kernelSize: 1, activation: .relu)
      MaxPooling2D(poolSize: 2)
    }
    var values = [Float](repeating: -1, count: 16)
    values[5] = .nan
    let x = try Tensor(values, shape: [1, 4, 4, 1])
    let reordered = try model(x)
    let layered = try model.layers.reduce(x) { value, layer in try layer(value) }
    #expect(
      try reordered.scalars(Float.self).map(\.isNaN) == layered.scalars(Float.self).map(\.isNaN))
    #expect(try reordered.scalars(Float.self).contains { $0.isNaN })
  }
}
