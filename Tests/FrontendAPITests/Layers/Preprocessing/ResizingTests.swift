import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

/// Resizing and CenterCrop beyond the Keras fixtures (`AugmentationParityTests`): hand-worked
/// resizes, gradients through them, models, and clear errors.
@Suite struct ResizingTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { (try? Resizing(3, 7, interpolation: .bicubic)) ?? Identity() },
        inputShape: [2, 4, 5, 3], expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { (try? CenterCrop(2, 3)) ?? Identity() }, inputShape: [2, 4, 5, 3],
        expectedWeights: 0) == [])
  }

  /// Two pixels 0 and 1 stretched to four: half-pixel centres at -0.25, 0.25, 0.75, 1.25 read
  /// 0, 0.25, 0.75 and 1 (the outer ones clamp to the edge), and each input pixel's gradient
  /// is the sum of its weights, 2.
  @Test func bilinearStretchByHand() throws {
    var x = try Tensor([Float(0), 1], shape: [1, 1, 2, 1])
    let layer = try Resizing(1, 4)
    let tape = GradientTape()
    tape.watch(&x)
    let (y, total) = try tape.record {
      let y = try layer(x)
      return (y, try Ops.sum(y))
    }
    #expect(try y.floats() == [0, 0.25, 0.75, 1])
    #expect(try tape.gradient(of: total, wrt: [x])[0]?.floats() == [2, 2])
    // Nearest, three to two: centres 0.75 and 2.25 read pixels 0 and 2.
    let three = try Tensor([Float(5), 6, 7], shape: [1, 1, 3, 1])
    #expect(try Resizing(1, 2, interpolation: .nearest)(three).floats() == [5, 7])
    // One image, uint8 in, float32 out.
    let pixels = try Tensor([UInt8(0), 255], shape: [1, 2, 1])
    let stretched = try Resizing(1, 4)(pixels)
    #expect(stretched.dtype == .float32 && stretched.shape == [1, 4, 1])
  }

  @Test func centerCropTakesTheMiddle() throws {
    let image = try Tensor((0..<16).map(Float.init), shape: [1, 4, 4, 1])
    #expect(try CenterCrop(2, 2)(image).floats() == [5, 6, 9, 10])
    #expect(try CenterCrop(3, 2)(image).floats() == [1, 2, 5, 6, 9, 10])
    // Too small one way: the aspect crop, resized.
    let tall = try CenterCrop(6, 2)(image)
    #expect(tall.shape == [1, 6, 2, 1])
    #expect(try CenterCrop(2, 2)(image, training: true).floats() == [5, 6, 9, 10])
  }

  @Test func resizesInsideAModel() throws {
    try withRandomSeed(4) {
      let model = Sequential([
        Input(shape: [9, 7, 1]), try Resizing(6, 6, cropToAspectRatio: true),
        Conv2D(2, kernelSize: 3), GlobalAveragePooling2D(), Dense(1),
      ])
      try model.compile(optimizer: SGD(learningRate: 0.01), loss: MeanSquaredError())
      let x = try Ops.randomUniform([8, 9, 7, 1])
      let y = try Ops.mean(x, axes: [1, 2])
      let history = try model.fit(x, y, batchSize: 4, epochs: 2, verbose: 0)
      #expect(history.history["loss"]?.count == 2)
      #expect(try model.predict(x).shape == [8, 1])
    }
  }

  @Test func badSettingsAndInputsAreErrors() throws {
    for (height, width) in [(0, 4), (4, -1), (Int.max, 2), (Int.min, 3)] {
      #expect(throws: PlexusError.self) { try Resizing(height, width) }
      #expect(throws: PlexusError.self) { try CenterCrop(height, width) }
    }
    #expect(throws: PlexusError.self) {
      try Resizing(2, 2, cropToAspectRatio: true, padToAspectRatio: true)
    }
    #expect(throws: PlexusError.self) { try Resizing(2, 2, fillValue: .nan) }
    let layer = try Resizing(3, 3, name: "shrink")
    #expect(thrownText { try layer(Tensor.ones([4, 5])) }?.contains("'shrink'") == true)
    // A resize whose weight matrix no machine should build is refused, not attempted.
    let huge = try Resizing(1 << 20, 1 << 20, name: "huge")
    let text = thrownText { try huge(Tensor.ones([1, 32, 32, 1])) } ?? "no error"
    #expect(text.contains("weight matrix"), "\(text)")
    let area = serialized(layer, setting: "interpolation", to: "area")
    let refused = thrownText { try Layer.fromConfig(area) } ?? "no error"
    #expect(refused.contains("interpolation"), "\(refused)")
  }
}
