import Plexus
import Testing

@Suite struct ConstraintTests {
  @Test func maxNormRescalesOnlyColumnsAboveTheLimit() throws {
    // Columns (axis 0 norms): [3, 4] has norm 5; [0.6, 0.8] has norm 1.
    let w = try Tensor([Float(3), 0.6, 4, 0.8], shape: [2, 2])
    let projected = try MaxNorm(2)(w).scalars(Float.self)
    #expect(abs(projected[0] - 1.2) < 1e-5 && abs(projected[2] - 1.6) < 1e-5)
    #expect(abs(projected[1] - 0.6) < 1e-5 && abs(projected[3] - 0.8) < 1e-5)
  }

  @Test func unitNormAndNonNeg() throws {
    let w = try Tensor([Float(3), -1, 4, 2], shape: [2, 2])
    let unit = try UnitNorm(axis: 1)(w).scalars(Float.self)
    #expect(abs(unit[0] * unit[0] + unit[1] * unit[1] - 1) < 1e-5)
    #expect(abs(unit[2] * unit[2] + unit[3] * unit[3] - 1) < 1e-5)
    #expect(try NonNeg()(w).scalars(Float.self) == [3, 0, 4, 2])
  }

  @Test func optimizerAppliesConstraintsAfterEachUpdate() throws {
    let model = Sequential {
      Input(shape: [2])
      Dense(1, kernelInitializer: .constant(0.1), kernelConstraint: NonNeg())
    }
    try model.compile(optimizer: SGD(learningRate: 1), loss: MeanSquaredError())
    // Targets far below push the kernel negative; the constraint clips it to 0.
    _ = try model.trainOnBatch(Tensor.ones([2, 2]), Tensor.full([2, 1], value: -10))
    let kernel = try #require((model.layers.first as? Dense)?.kernel)
    #expect(kernel.constraint is NonNeg)
    #expect(try kernel.value.scalars(Float.self) == [0, 0])
    // The bias has no constraint and went negative.
    let bias = try #require((model.layers.first as? Dense)?.bias?.value)
    #expect(try bias.scalars(Float.self)[0] < 0)
  }
}
