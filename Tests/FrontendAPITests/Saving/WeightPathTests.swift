import Plexus
import Testing

@Suite struct WeightPathTests {
  @Test func kerasPathsFollowKerasNameScopes() throws {
    let dense = Dense(2, name: "solo")
    _ = try dense(Tensor.ones([1, 3]))
    #expect(dense.kerasWeightPaths == ["solo/kernel", "solo/bias"])

    let sequential = try Model.fromJSON(try KerasFixtures.text("sequential_mlp.json"))
    #expect(
      sequential.kerasWeightPaths == [
        "mlp/hidden/kernel", "mlp/hidden/bias", "mlp/logits/kernel", "mlp/logits/bias",
      ])
    // Plexus's own structural paths are unchanged, and both name the same variables.
    #expect(sequential.weights.map(\.path).first == "hidden.kernel")
    #expect(sequential.weight(kerasPath: "mlp/logits/bias") === sequential.weights[3])

    let functional = try Model.fromJSON(try KerasFixtures.text("functional_two_towers.json"))
    #expect(
      functional.kerasWeightPaths == [
        "shared/kernel", "shared/bias", "class_out/kernel", "class_out/bias", "value_out/kernel",
        "value_out/bias",
      ])
  }
}
