import PlexusTestSupport
import Testing

@testable import Plexus

/// ZeroPadding1D, Cropping1D and UpSampling1D beyond Keras's numbers
/// (`KerasLayer2ParityTests`): the layer contract, hand-worked values, and hostile sizes.
@Suite struct OneDimensionalReshapingTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract({ ZeroPadding1D(padding: (1, 2)) }, inputShape: [2, 3, 4]) == [])
    #expect(try checkLayerContract({ Cropping1D(cropping: (1, 0)) }, inputShape: [2, 3, 4]) == [])
    #expect(try checkLayerContract({ UpSampling1D(size: 2) }, inputShape: [2, 3, 4]) == [])
  }

  @Test func workedExample() throws {
    let x = try Tensor([Float(1), 2, 3, 4, 5, 6], shape: [1, 3, 2])
    #expect(try ZeroPadding1D(padding: (1, 0))(x).floats() == [0, 0, 1, 2, 3, 4, 5, 6])
    #expect(try Cropping1D(cropping: (1, 1))(x).floats() == [3, 4])
    #expect(try UpSampling1D(size: 2)(x).floats() == [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6])
  }

  @Test func hostileSizesAreErrorsNamingTheLayer() throws {
    let x = try Tensor([Float](repeating: 1, count: 6), shape: [1, 3, 2])
    for layer: Layer in [
      ZeroPadding1D(padding: (-1, 0)), ZeroPadding1D(padding: (Int.max, Int.max)),
      Cropping1D(cropping: (2, 1)), Cropping1D(cropping: (Int.max, Int.max)),
      Cropping1D(cropping: (-1, 0)), UpSampling1D(size: 0), UpSampling1D(size: Int.max),
    ] {
      let text = thrownText { try layer(x) } ?? ""
      #expect(text.contains(layer.name), "\(text)")
    }
    let flat = try Tensor([Float(1), 2], shape: [1, 2])
    #expect(throws: PlexusError.self) { try ZeroPadding1D()(flat) }
  }
}
