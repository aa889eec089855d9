import Foundation
import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct SoftmaxTests {
  @Test func keepsTheLayerContract() throws {
    #expect(try checkLayerContract({ Softmax(axis: 1) }, inputShape: [2, 3, 4]) == [])
  }

  @Test func normalisesAlongItsAxis() throws {
    let x = try sampleTensor([2, 3, 4], seed: 8)
    let y = try Softmax(axis: 1)(x)
    #expect(y.shape == [2, 3, 4])
    #expect(try y.scalars(Double.self) == Ops.softmax(x, axis: 1).scalars())
    #expect(Softmax(axis: 1).config["axis"] == .int(1))
  }

  /// Keras's masked softmax, worked by hand: a kept entry's share among the kept ones, masked
  /// entries 0, and a row masked whole all zeros (not uniform). A numeric mask keeps > 0.5.
  @Test func aMaskKeepsItsEntriesOnly() throws {
    let x = try Tensor([Float(1), 2, 3, 0.5, -1, 4], shape: [2, 3])
    let mask = try Tensor([Float(1), 0, 0.7, 0, 0.2, 0], shape: [2, 3])
    let y = try Softmax()(x.withMask(mask)).floats()
    let (a, c) = (Float(Foundation.exp(Double(1))), Float(Foundation.exp(Double(3))))
    let expected: [Float] = [a / (a + c), 0, c / (a + c), 0, 0, 0]
    for (value, reference) in zip(y, expected) {
      #expect(abs(value - reference) <= 1e-6)
    }
    // A mask that does not broadcast to the input is an error naming it.
    let wrong = try Tensor([Float](repeating: 1, count: 4), shape: [2, 2])
    let text = thrownText { try Softmax()(x.withMask(wrong)) } ?? ""
    #expect(text.contains("mask"), "\(text)")
  }

  @Test func readsKerasConfigs() throws {
    let layer = try Layer.fromConfig(Softmax(axis: 2, name: "s").serialized.value)
    #expect((layer as? Softmax)?.axis == 2)
    var config = Softmax().serialized.value
    if case .object(var top) = config, case .object(var settings)? = top["config"] {
      settings["axis"] = [1, 2]
      top["config"] = .object(settings)
      config = .object(top)
    }
    #expect(throws: PlexusError.self) { try Layer.fromConfig(config) }
  }
}
