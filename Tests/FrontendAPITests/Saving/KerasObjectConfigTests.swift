import Plexus
import Testing

/// Every layer, loss, optimizer, metric, initializer, activation, regularizer and constraint
/// against the JSON Keras 3 writes for the same settings (`Tests/Fixtures/keras/objects.json`).
/// Nothing is ignored: the comparison is ``ConfigValue``'s equality (key order aside).
@Suite struct KerasObjectConfigTests {
  @Test func everyCaseHasAKerasFixtureAndEveryFixtureACase() throws {
    let fixtures = try KerasFixtures.objects()
    #expect(Set(fixtures.keys) == Set(KerasFixtureCases.all.keys))
  }

  @Test(arguments: [
    "layer/", "loss/", "optimizer/", "metric/", "initializer/", "activation/",
    "regularizer/", "constraint/",
  ])
  func plexusWritesWhatKerasWrites(kind: String) throws {
    let fixtures = try KerasFixtures.objects()
    let cases = KerasFixtureCases.all.filter { $0.key.hasPrefix(kind) }
    #expect(!cases.isEmpty)
    for (key, testCase) in cases.sorted(by: { $0.key < $1.key }) {
      let keras = try #require(fixtures[key], "no Keras fixture for \(key)")
      let plexus = try testCase.serialized()
      #expect(plexus == keras, "\(key): \(KerasFixtures.differences(plexus, keras))")
    }
  }

  @Test(arguments: [
    "layer/", "loss/", "optimizer/", "metric/", "initializer/", "activation/",
    "regularizer/", "constraint/",
  ])
  func fromConfigRebuildsWhatKerasWrote(kind: String) throws {
    let fixtures = try KerasFixtures.objects()
    for (key, testCase) in KerasFixtureCases.all where key.hasPrefix(kind) {
      let keras = try #require(fixtures[key])
      let rebuilt = try testCase.rebuild(keras)
      #expect(rebuilt == keras, "\(key): \(KerasFixtures.differences(rebuilt, keras))")
    }
  }

  @Test func rebuiltDenseKeepsEverySetting() throws {
    let keras = try #require(try KerasFixtures.objects()["layer/dense_full"])
    let dense = try #require(try Layer.fromConfig(keras) as? Dense)
    #expect(dense.units == 5)
    #expect(dense.activation == .relu)
    #expect(dense.kernelInitializer == Initializer.heNormal.seeded(7))
    #expect((dense.kernelRegularizer as? L2)?.l2 == 0.01)
    // Keras holds L1's factor in float32 and writes it so.
    #expect((dense.biasRegularizer as? L1)?.l1 == Double(Float(0.02)))
    #expect((dense.activityRegularizer as? L1L2)?.l2 == 0.002)
    #expect((dense.kernelConstraint as? MaxNorm)?.maxValue == 3)
    #expect(dense.biasConstraint is NonNeg)
    // build_config built it, and the kernel carries its constraint.
    #expect(dense.kernel?.shape == [6, 5])
    #expect(dense.kernel?.constraint is MaxNorm)
  }

  @Test func unbuiltTrainableFalseLayerStaysSo() throws {
    let keras = try #require(try KerasFixtures.objects()["layer/dense_unbuilt"])
    let dense = try #require(try Layer.fromConfig(keras) as? Dense)
    #expect(!dense.built)
    #expect(!dense.trainable)
    #expect(!dense.useBias)
  }
}
