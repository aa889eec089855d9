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
}
