import PlexusTestSupport
import Testing

@testable import Plexus

@Suite struct NormalizationOpsTests {
  @Test func momentsAreTheMeanAndBiasedVariance() throws {
    let x = try Tensor([1, 2, 3, 5] as [Double], shape: [2, 2])
    let (mean, variance) = try Ops.moments(x, axes: [0])
    #expect(try mean.scalars(Double.self) == [2, 3.5])
    #expect(try variance.scalars(Double.self) == [1, 2.25])
    let kept = try Ops.moments(x, axes: [1], keepDims: true)
    #expect(kept.mean.shape == [2, 1] && kept.variance.shape == [2, 1])
  }

  @Test func batchNormalizationScalesAndShifts() throws {
    let x = try Tensor([1, 2, 3, 5] as [Double], shape: [2, 2])
    let y = try Ops.batchNormalization(
      x, mean: Tensor([2, 3.5] as [Double]), variance: Tensor([1, 2.25] as [Double]), axis: -1,
      offset: Tensor([10, 20] as [Double]), scale: Tensor([2, 3] as [Double]), epsilon: 0)
    #expect(try y.scalars(Double.self) == [8, 17, 12, 23])
    #expect(throws: PlexusError.self) {
      try Ops.batchNormalization(
        x, mean: Tensor([1, 2, 3] as [Double]), variance: Tensor([1, 2] as [Double]), axis: 1)
    }
  }

  @Test func gradientsFlowThroughTheStatistics() throws {
    let problems = try checkGradients(
      of: { inputs in
        let (mean, variance) = try Ops.moments(inputs[0], axes: [0, 1])
        return try Ops.batchNormalization(
          inputs[0], mean: mean, variance: variance, axis: 2, offset: inputs[1],
          scale: inputs[2])
      },
      at: [
        try sampleTensor([3, 2, 4], seed: 21), try sampleTensor([4], seed: 22),
        try sampleTensor([4], seed: 23),
      ])
    #expect(problems.isEmpty, "\(problems.prefix(3))")
  }
}
