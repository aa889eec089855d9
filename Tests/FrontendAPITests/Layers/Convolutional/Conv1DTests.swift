import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct Conv1DTests {
  @Test func keepsTheLayerContract() throws {
    #expect(
      try checkLayerContract(
        { Conv1D(3, kernelSize: 3, strides: 2) }, inputShape: [2, 7, 2], expectedWeights: 2)
        == [])
    #expect(
      try checkLayerContract(
        { Conv1D(4, kernelSize: 2, padding: .causal, dilationRate: 2, groups: 2) },
        inputShape: [1, 5, 4], expectedWeights: 2) == [])
  }

  @Test func causalOutputSeesOnlyThePast() throws {
    let layer = Conv1D(1, kernelSize: 2, padding: .causal, useBias: false, kernelInitializer: .ones)
    let x = try Tensor([1, 2, 3, 4] as [Float], shape: [1, 4, 1])
    // Output t is x[t - 1] + x[t], with a zero before the sequence.
    #expect(try layer(x).scalars(Float.self) == [1, 3, 5, 7])
  }

  @Test func outputShapesFollowKeras() throws {
    let x = try Tensor.zeros([2, 9, 3])
    #expect(try Conv1D(4, kernelSize: 3)(x).shape == [2, 7, 4])
    #expect(try Conv1D(4, kernelSize: 3, strides: 2, padding: .same)(x).shape == [2, 5, 4])
    #expect(try Conv1D(4, kernelSize: 3, padding: .causal, dilationRate: 3)(x).shape == [2, 9, 4])
    #expect(try Conv1D(4, kernelSize: 3).computeOutputShape([[-1, -1, 3]]) == [-1, -1, 4])
  }

  @Test func badArgumentsNameTheLayer() throws {
    let text = thrownText {
      try Conv1D(2, kernelSize: [2, 2], name: "seq")(Tensor.zeros([1, 5, 2]))
    }
    #expect(text?.contains("'seq' (Conv1D)") == true)
    #expect(text?.contains("kernel_size") == true)
    let rank = thrownText { try Conv1D(2, kernelSize: 2, name: "img")(Tensor.zeros([1, 5, 5, 2])) }
    #expect(rank?.contains("'img' (Conv1D)") == true)
  }
}
