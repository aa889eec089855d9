import Plexus
import Testing

@Suite struct WeightPathTests {
  @Test func kerasPathsFollowKerasNameScopes() throws {
    let dense = Dense(2, name: "solo")
    _ = try dense(Tensor.ones([1, 3]))
    #expect(dense.weights.map(\.kerasPath) == ["solo/kernel", "solo/bias"])

    let sequential = try Model.fromJSON(try KerasFixtures.text("sequential_mlp.json"))
    #expect(
      sequential.weights.map(\.kerasPath) == [
        "mlp/hidden/kernel", "mlp/hidden/bias", "mlp/logits/kernel", "mlp/logits/bias",
      ])
    // Plexus's own structural paths are unchanged.
    #expect(sequential.weights.map(\.path).first == "hidden.kernel")

    let functional = try Model.fromJSON(try KerasFixtures.text("functional_two_towers.json"))
    #expect(
      functional.weights.map(\.kerasPath) == [
        "shared/kernel", "shared/bias", "class_out/kernel", "class_out/bias", "value_out/kernel",
        "value_out/bias",
      ])
  }
}
