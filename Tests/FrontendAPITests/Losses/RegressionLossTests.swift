import Foundation
import Testing

@testable import Plexus

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool {
  abs(a - b) <= tolerance * max(1, abs(b))
}

/// Names, configs and settings of Huber, MeanAbsoluteError, MeanAbsolutePercentageError,
/// KLDivergence, CosineSimilarity, Hinge, LogCosh and Poisson; their values and gradients are
/// in ``KerasLossParityTests``.
@Suite struct RegressionLossTests {
  @Test func namedResolvesKerasNamesAndClassNames() throws {
    let expected: [(String, Loss.Type)] = [
      ("mae", MeanAbsoluteError.self), ("MAE", MeanAbsoluteError.self),
      ("mean_absolute_error", MeanAbsoluteError.self),
      ("mape", MeanAbsolutePercentageError.self),
      ("mean_absolute_percentage_error", MeanAbsolutePercentageError.self),
      ("huber", Huber.self), ("kld", KLDivergence.self), ("kl_divergence", KLDivergence.self),
      ("cosine_similarity", CosineSimilarity.self), ("hinge", Hinge.self),
      ("log_cosh", LogCosh.self), ("poisson", Poisson.self), ("LogCosh", LogCosh.self),
      ("KLDivergence", KLDivergence.self),
      ("MeanAbsolutePercentageError", MeanAbsolutePercentageError.self),
      ("SparseCategoricalCrossentropy", SparseCategoricalCrossentropy.self),
    ]
    for (name, type) in expected {
      let loss = try Loss.named(name)
      #expect(Swift.type(of: loss) == type, "\(name)")
    }
    #expect(try Loss.named("huber").name == "huber_loss")
    #expect(try Loss.named("mae").name == "mean_absolute_error")
    // Keras's `get` does not know these either.
    for unknown in ["logcosh", "huber_loss", "Metric"] {
      #expect(throws: PlexusError.self) { try Loss.named(unknown) }
    }
  }

  @Test func configsHaveKerasKeysAndRoundTrip() throws {
    let losses: [Loss] = [
      MeanAbsoluteError(reduction: .sum, name: "m"), MeanAbsolutePercentageError(),
      Huber(), KLDivergence(reduction: .none), CosineSimilarity(), Hinge(), LogCosh(), Poisson(),
    ]
    for loss in losses {
      #expect(Set(loss.config.keys) == ["name", "reduction"], "\(loss.className)")
      let rebuilt = try Loss.fromConfig(loss.serialized.value)
      #expect(rebuilt.serialized == loss.serialized, "\(loss.className)")
      #expect(Swift.type(of: rebuilt) == Swift.type(of: loss))
    }
  }

  /// Keras's get_config drops `delta` and `axis` (its from_config takes them): Plexus writes
  /// them only when they differ from the default, so a default loss writes what Keras writes.
  @Test func deltaAndAxisSurviveTheirConfigs() throws {
    let huber = try #require(try Loss.fromConfig(Huber(delta: 2.5).serialized.value) as? Huber)
    #expect(huber.delta == 2.5)
    #expect(Huber(delta: 2.5).config["delta"] == .double(2.5))
    let keras: ConfigValue = [
      "module": "keras.losses", "class_name": "Huber", "registered_name": .null,
      "config": ["name": "huber_loss", "reduction": "sum_over_batch_size"],
    ]
    #expect(try (Loss.fromConfig(keras) as? Huber)?.delta == 1)
    let cosine = try Loss.fromConfig(CosineSimilarity(axis: 0).serialized.value)
    #expect((cosine as? CosineSimilarity)?.axis == 0)
    #expect(CosineSimilarity(axis: 0).config["axis"] == .int(0))
  }

  @Test func badSettingsInConfigsThrowNamingTheKey() throws {
    func config(_ className: String, _ settings: [String: ConfigValue]) -> ConfigValue {
      ["module": "keras.losses", "class_name": .string(className), "config": .object(settings)]
    }
    let cases: [(ConfigValue, String)] = [
      (config("Huber", ["delta": -1]), "delta"), (config("Huber", ["delta": "big"]), "delta"),
      (config("CosineSimilarity", ["axis": 1.5]), "axis"),
      (config("Hinge", ["reduction": "mean_of_squares"]), "reduction"),
      (config("Poisson", ["log_input": true]), "log_input"),
    ]
    for (value, key) in cases {
      #expect {
        _ = try Loss.fromConfig(value)
      } throws: { error in
        "\(error)".contains(key)
      }
    }
  }

  @Test func hingeConvertsBinaryLabelsOnlyWhenAllAreBinary() throws {
    let predictions = try Tensor([0.5, -0.5, 2] as [Float], shape: [1, 3])
    // {0, 1} labels become {-1, 1}: margins max(1 - (-1)(0.5), 0), max(1 - 0.5, 0), 0.
    let binary = try Hinge()(Tensor([0, 1, 1] as [Float], shape: [1, 3]), predictions)
    #expect(close(try binary.item(), (1.5 + 1.5 + 0) / 3))
    // A 2 among them: no conversion, so 0 stays 0 (margin 1).
    let mixed = try Hinge()(Tensor([0, 1, 2] as [Float], shape: [1, 3]), predictions)
    #expect(close(try mixed.item(), (1 + 1.5 + 0) / 3))
  }

  @Test func huberAndLogCoshMatchTheirFormulas() throws {
    let targets = try Tensor([0, 0, 0, 0] as [Double], shape: [1, 4])
    let predictions = try Tensor([0.5, -2, 3, 0] as [Double], shape: [1, 4])
    let huber = try Huber(delta: 1)(targets, predictions).item()
    #expect(close(huber, (0.125 + 1.5 + 2.5 + 0) / 4))
    let logCosh = try LogCosh()(targets, predictions).item()
    let expected = [0.5, -2, 3, 0].map { Foundation.log(Foundation.cosh($0)) }.reduce(0, +) / 4
    #expect(close(logCosh, expected))
    // A huge error neither overflows nor loses its gradient, tanh(e) → ±1.
    let tape = GradientTape()
    var far = try Tensor([1e4, -1e4, 0] as [Float], shape: [1, 3])
    tape.watch(&far)
    let value = try tape.record { try LogCosh()(Tensor.zeros([1, 3]), far) }
    #expect(close(try value.item(), (2 * (1e4 - Foundation.log(2))) / 3, 1e-5))
    let gradient = try #require(try tape.gradient(of: value, wrt: [far]).first ?? nil)
    let slopes = try gradient.floats().map(Double.init)
    #expect(zip(slopes, [1.0 / 3, -1.0 / 3, 0]).allSatisfy { close($0, $1) }, "\(slopes)")
  }

  @Test func zeroVectorsHaveNoCosineSimilarity() throws {
    let value = try CosineSimilarity(reduction: .none)(
      Tensor([0, 0, 1, 1] as [Float], shape: [2, 2]),
      Tensor([1, 2, 0, 0] as [Float], shape: [2, 2]))
    #expect(try value.floats() == [0, 0])
  }
}
