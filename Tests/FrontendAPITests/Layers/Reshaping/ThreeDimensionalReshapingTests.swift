import PlexusTestSupport
import Testing

@testable import Plexus

/// ZeroPadding3D, Cropping3D and UpSampling3D beyond the Keras fixtures
/// (`KerasLayer2ParityTests`): the layer contract, hand-worked volumes, and clear errors.
@Suite struct ThreeDimensionalReshapingTests {
  @Test func keepTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { ZeroPadding3D(padding: ((1, 0), (0, 2), (1, 1))) }, inputShape: [2, 2, 3, 2, 2],
        expectedWeights: 0) == [])
    #expect(
      try checkLayerContract(
        { Cropping3D(cropping: [1, 0, 1]) }, inputShape: [2, 4, 3, 4, 2], expectedWeights: 0)
        == [])
    #expect(
      try checkLayerContract(
        { UpSampling3D(size: [2, 1, 3]) }, inputShape: [2, 2, 3, 2, 2], expectedWeights: 0)
        == [])
  }

  /// A 1×2×1×2×1 volume [[a, b], [c, d]] along depth and width, by hand.
  @Test func reshapeVolumesByHand() throws {
    let x = try Tensor([1, 2, 3, 4] as [Float], shape: [1, 2, 1, 2, 1])
    let padded = try ZeroPadding3D(padding: ((1, 0), (0, 1), (0, 0)))(x)
    #expect(padded.shape == [1, 3, 2, 2, 1])
    #expect(try padded.floats() == [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0])
    let cropped = try Cropping3D(cropping: ((1, 0), (0, 0), (0, 1)))(x)
    #expect(cropped.shape == [1, 1, 1, 1, 1])
    #expect(try cropped.floats() == [3])
    let repeated = try UpSampling3D(size: [2, 1, 2])(x)
    #expect(repeated.shape == [1, 4, 1, 4, 1])
    #expect(try repeated.floats() == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    // Cropping undoes padding.
    let restored = try Cropping3D(cropping: ((1, 0), (0, 1), (0, 0)))(padded)
    #expect(try restored.floats() == x.floats())
  }

  @Test func refuseBadSettingsClearly() throws {
    func error(_ body: () throws -> Any) -> String { thrownText(body) ?? "no error" }
    let volume = try Tensor.zeros([1, 3, 3, 3, 1])
    #expect(error { try ZeroPadding3D(padding: -1)(volume) }.contains("non-negative"))
    #expect(error { try ZeroPadding3D(padding: [1, 2])(volume) }.contains("three"))
    #expect(error { try ZeroPadding3D(padding: SpatialSize(Int.max))(volume) }.contains("large"))
    #expect(error { try Cropping3D(cropping: 2)(volume) }.contains("larger than the cropping"))
    #expect(
      error { try Cropping3D(cropping: ((Int.max, Int.max), (0, 0), (0, 0)))(volume) }.contains(
        "cropping"))
    #expect(error { try UpSampling3D(size: 0)(volume) }.contains("positive"))
    #expect(error { try UpSampling3D(size: SpatialSize(Int.max))(volume) }.contains("too large"))
    #expect(error { try UpSampling3D(name: "up")(Tensor.zeros([1, 3, 3, 1])) }.contains("up"))
  }
}
