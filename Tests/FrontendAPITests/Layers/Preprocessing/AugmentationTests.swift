import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// The augmentation layers beyond the Keras fixtures (`AugmentationParityTests`): the layer
/// contract, hand-worked transformations, what training and inference do, draws per image and
/// per call, training a model through them, and clear errors.
@Suite struct AugmentationTests {
  /// A (batch, height, width, channels) ramp: pixel values 0, 1, 2, ...
  static func ramp(_ shape: Shape) throws -> Tensor {
    try Tensor((0..<shape.elementCount).map(Float.init), shape: shape)
  }

  @Test func keepTheLayerContract() throws {
    // The layers as built ahead; the contract makes each afresh from its config.
    let layers: [Layer] = [
      RandomFlip(.horizontal, seed: 1), try RandomRotation(0.1),
      try RandomTranslation(heightFactor: [0.1], widthFactor: [-0.2, 0.1]),
      try RandomZoom(heightFactor: [0.2], widthFactor: [0.1]), try RandomContrast(0.3),
      try RandomBrightness(0.2, valueRange: (0, 1)),
    ]
    for layer in layers {
      let config = layer.serialized.value
      // Each instance the contract asks for is rebuilt from the config; a config that does not
      // rebuild is a recorded failure.
      let fresh = { () -> Layer in
        do { return try Layer.fromConfig(config) } catch {
          Issue.record("\(layer.className) does not rebuild: \(error)")
          return Identity()
        }
      }
      let problems = try checkLayerContract(fresh, inputShape: [2, 4, 5, 3], expectedWeights: 0)
      #expect(problems == [], "\(layer.className)")
    }
  }

  /// Whole-pixel shifts with a constant fill, worked by hand: the image moves one pixel right
  /// and down, and the row and column shifted in hold the fill value.
  @Test func translationByWholePixelsShiftsTheImage() throws {
    let layer = try RandomTranslation(
      heightFactor: [0.5], widthFactor: [0.5], fillMode: .constant, fillValue: -1)
    let image = try Self.ramp([1, 3, 4, 1])
    let shifted = try layer.transformImages(
      image, transformation: try Tensor([Float(1), 1], shape: [1, 2]))
    let expected: [Float] = [-1, -1, -1, -1, -1, 0, 1, 2, -1, 4, 5, 6]
    #expect(try shifted.floats() == expected)
    // Wrapped instead: the last row and column come round.
    let wrap = try RandomTranslation(heightFactor: [0.5], widthFactor: [0.5], fillMode: .wrap)
    let wrapped = try wrap.transformImages(
      image, transformation: try Tensor([Float(1), 1], shape: [1, 2]))
    #expect(try wrapped.floats() == [11, 8, 9, 10, 3, 0, 1, 2, 7, 4, 5, 6])
  }

  /// A quarter turn of a square image about its centre, read at exact pixels: output (x, y)
  /// is input (cx - (y - cy), cy + (x - cx)), which a positive angle turns counter-clockwise.
  @Test func rotationByAQuarterTurn() throws {
    let layer = try RandomRotation(0.25, interpolation: .nearest)
    let image = try Self.ramp([1, 3, 3, 1])
    let turned = try layer.transformImages(
      image, transformation: try Tensor([Float(90)], shape: [1]))
    var expected = [Float](repeating: 0, count: 9)
    for y in 0..<3 {
      for x in 0..<3 { expected[y * 3 + x] = Float((1 + (x - 1)) * 3 + (1 - (y - 1))) }
    }
    #expect(try turned.floats() == expected)
    // A zoom of 1 and a rotation of 0 leave the image as it was.
    #expect(
      try RandomZoom(heightFactor: [0.3]).transformImages(
        image, transformation: try Tensor([Float(1), 1], shape: [1, 2])
      ).floats() == image.floats())
  }

  @Test func flipsContrastAndBrightnessByHand() throws {
    let image = try Self.ramp([2, 2, 3, 1])
    let flips = try Tensor([true, false], shape: [2])
    let horizontal = try RandomFlip(.horizontal).transformImages(image, transformation: flips)
    #expect(try horizontal.floats() == [2, 1, 0, 5, 4, 3, 6, 7, 8, 9, 10, 11])
    let both = try RandomFlip().transformImages(image, transformation: flips)
    #expect(try both.floats() == [5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 10, 11])
    // Contrast 2 about each image's mean (2.5 and 8.5), clipped to [0, 9].
    let contrast = try RandomContrast(0.5, valueRange: (0, 9)).transformImages(
      image, transformation: try Tensor([Float(2), 1], shape: [2]))
    #expect(try contrast.floats() == [0, 0, 1.5, 3.5, 5.5, 7.5, 6, 7, 8, 9, 9, 9])
    let brighter = try RandomBrightness(0.5, valueRange: (0, 10)).transformImages(
      image, transformation: try Tensor([Float(-1), 3], shape: [2]))
    #expect(try brighter.floats() == [0, 0, 1, 2, 3, 4, 9, 10, 10, 10, 10, 10])
  }

  /// In training every image draws its own transformation (a seeded layer repeats its draws,
  /// and each call draws anew); at inference images pass unchanged, cast to float32.
  @Test func trainingDrawsPerImageAndInferencePassesThrough() throws {
    let images = try Self.ramp([64, 2, 3, 1])
    let first = RandomFlip(.horizontal, seed: 5)
    let twin = RandomFlip(.horizontal, seed: 5)
    let flipped = try first(images, training: true)
    #expect(try flipped.floats() == twin(images, training: true).floats())
    let values = try flipped.floats()
    let original = try images.floats()
    var counts = (same: 0, flipped: 0)
    for index in 0..<64 {
      let image = Array(values[(index * 6)..<(index * 6 + 6)])
      let source = Array(original[(index * 6)..<(index * 6 + 6)])
      let mirrored = [source[2], source[1], source[0], source[5], source[4], source[3]]
      if image == source { counts.same += 1 } else if image == mirrored { counts.flipped += 1 }
    }
    #expect(counts.same + counts.flipped == 64 && counts.same > 10 && counts.flipped > 10)
    #expect(try first(images, training: true).floats() != flipped.floats(), "a new draw per call")
    let pixels = try Tensor([UInt8(0), 128, 255], shape: [1, 1, 3, 1])
    let passed = try RandomRotation(0.2)(pixels)
    #expect(passed.dtype == .float32)
    #expect(try passed.floats() == [0, 128, 255])
    // One image (rank 3) works the same way.
    let one = try RandomZoom(heightFactor: [0.5], seed: 2)(Self.ramp([4, 4, 2]), training: true)
    #expect(one.shape == [4, 4, 2])
  }

  /// A small CNN trains through an augmentation front end in `fit` (compiled steps draw fresh
  /// transformations) and predicts without it.
  @Test func trainsThroughAugmentation() throws {
    try withRandomSeed(8) {
      let augment = Sequential([
        RandomFlip(.horizontal), try RandomRotation(0.05), try RandomZoom(heightFactor: [0.1]),
        try RandomContrast(0.1, valueRange: (0, 1)),
      ])
      let model = Sequential([
        Input(shape: [6, 6, 1]), augment, Conv2D(4, kernelSize: 3, activation: .relu),
        GlobalAveragePooling2D(), Dense(1, activation: .sigmoid),
      ])
      try model.compile(optimizer: Adam(learningRate: 0.05), loss: BinaryCrossentropy())
      // Bright images are class 1, dark ones class 0: augmentation keeps that.
      let x = try Ops.multiply(
        Ops.randomUniform([64, 6, 6, 1]),
        Ops.reshape(Tensor((0..<64).map { Float($0 % 2) * 0.8 + 0.2 }, shape: [64]), [64, 1, 1, 1]))
      let y = try Tensor((0..<64).map { Float($0 % 2) }, shape: [64, 1])
      let history = try model.fit(x, y, batchSize: 16, epochs: 15, verbose: 0)
      let losses = try #require(history.history["loss"])
      #expect(losses.last! < losses.first! * 0.7, "\(losses)")
      // Predictions skip the augmentation: equal to the layers after it on the raw images.
      let direct = try Array(model.layers.dropFirst()).reduce(x) { try $1($0) }
      #expect(try model.predict(x).floats() == direct.floats())
    }
  }

  /// A model with every augmentation layer, written for `scripts/keras-interop.sh` to open in
  /// Keras (which predicts through them as Plexus does: unchanged).
  @Test func kerasOpensAugmentedModels() throws {
    try withRandomSeed(9) {
      let input = Input(shape: [5, 6, 2], name: "images")
      var x: SymbolicTensor = try RandomFlip(.vertical, seed: 3)(input)
      x = try RandomRotation((-0.1, 0.2), fillMode: .constant, interpolation: .nearest)(x)
      x = try RandomTranslation(heightFactor: [0.1], widthFactor: [-0.2, 0.1], fillMode: .wrap)(x)
      x = try RandomZoom(heightFactor: [0.2], widthFactor: [-0.1, 0.3], fillValue: 0.5)(x)
      x = try RandomContrast(0.3, valueRange: (0, 1))(x)
      x = try RandomBrightness((-0.2, 0.1), valueRange: (0, 1))(x)
      let output = try Dense(3, name: "head")(Flatten()(x))
      let model = try Model(inputs: input, outputs: output, name: "plexus_augmentation")
      let images = try Ops.randomUniform([2, 5, 6, 2])
      try KerasFileExportTests.record(model, inputs: [images], name: "plexus_augmentation")
    }
  }

  @Test func badSettingsAndInputsAreErrors() throws {
    for factor in [1.5, -1.01, .nan, .infinity] {
      #expect(throws: PlexusError.self) { try RandomRotation(factor) }
      #expect(throws: PlexusError.self) { try RandomBrightness(factor) }
    }
    #expect(throws: PlexusError.self) { try RandomContrast(-0.1) }
    #expect(throws: PlexusError.self) { try RandomContrast((1.5, 2)) }
    #expect(throws: PlexusError.self) { try RandomZoom(heightFactor: [-1]) }
    #expect(throws: PlexusError.self) { try RandomZoom(heightFactor: [0.1, 0.2, 0.3]) }
    #expect(throws: PlexusError.self) { try RandomZoom(heightFactor: []) }
    #expect(throws: PlexusError.self) {
      try RandomTranslation(heightFactor: [0.1], widthFactor: [2])
    }
    #expect(throws: PlexusError.self) { try RandomRotation(0.1, fillValue: .nan) }
    #expect(throws: PlexusError.self) { try RandomContrast(0.1, valueRange: (1, .infinity)) }
    let layer = try RandomRotation(0.1, name: "spin")
    let flat = try Tensor.ones([2, 3])
    #expect(thrownText { try layer(flat, training: true) }?.contains("'spin'") == true)
    let images = try Self.ramp([2, 3, 3, 1])
    let wrong = thrownText {
      try layer.transformImages(images, transformation: try Tensor([Float(1), 2, 3], shape: [3]))
    }
    #expect(wrong?.contains("transformation") == true, "\(wrong ?? "no error")")
    // A transformation that is not a number, or reads impossibly far away, reads outside the
    // image: the fill, no trap, no NaN.
    let far = try RandomTranslation(
      heightFactor: [0.1], widthFactor: [0.1], fillMode: .constant, fillValue: 7)
    for shift in [Float.nan, .infinity, -.infinity, 1e9] {
      let moved = try far.transformImages(
        images, transformation: try Tensor([shift, 0, 0, shift], shape: [2, 2]))
      #expect(try moved.floats().allSatisfy { $0 == 7 }, "shift \(shift)")
    }
    // Far but finite under wrap, reflect and nearest: pixels of the image, no trap.
    for mode in [ImageAugmentation.FillMode.wrap, .reflect, .nearest] {
      let layer = try RandomTranslation(heightFactor: [0.1], widthFactor: [0.1], fillMode: mode)
      let moved = try layer.transformImages(
        images, transformation: try Tensor([Float(16_383_999), -3e6, 1e5, 7], shape: [2, 2]))
      #expect(try moved.floats().allSatisfy { (0..<18).contains($0) }, "\(mode)")
    }
    // Configs: unknown modes, channels-first images, a malformed factor.
    func changed(_ key: String, _ value: ConfigValue) -> ConfigValue {
      serialized(layer, setting: key, to: value)
    }
    for (key, value) in [
      ("fill_mode", "mirror"), ("interpolation", "bicubic"), ("data_format", "channels_first"),
      ("factor", "big"), ("factor", [0.1, 0.2, 0.3]),
    ] as [(String, ConfigValue)] {
      let text = thrownText { try Layer.fromConfig(changed(key, value)) } ?? "no error"
      #expect(text.contains(key), "\(key): \(text)")
    }
  }
}
