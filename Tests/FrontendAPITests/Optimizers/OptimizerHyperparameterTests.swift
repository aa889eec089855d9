import Foundation
import Plexus
import Testing

/// Hostile hyper-parameters, configs and step counts: clear errors naming the setting, never a
/// trap, and nothing changed by a refused step.
@Suite struct OptimizerHyperparameterTests {
  @Test func invalidHyperparametersAreRefusedBeforeAnythingChanges() throws {
    let invalid: [(Optimizer, String)] = [
      (Adagrad(learningRate: -0.1), "learningRate"),
      (Adagrad(initialAccumulatorValue: -1), "initialAccumulatorValue"),
      (Adagrad(epsilon: .nan), "epsilon"),
      (Adadelta(rho: 1.5), "rho"),
      (Adadelta(epsilon: -1), "epsilon"),
      (Adamax(beta1: 1), "beta1"),
      (Adamax(beta2: .nan), "beta2"),
      (Nadam(beta1: -0.1), "beta1"),
      (Nadam(beta2: 1), "beta2"),
      (Nadam(epsilon: .infinity), "epsilon"),
      (Lion(beta1: 0), "beta1"),
      (Lion(beta2: 2), "beta2"),
      (Lion(weightDecay: .nan), "weightDecay"),
      (Adam(learningRate: .nan, amsgrad: true), "learningRate"),
      (AdamW(learningRate: .infinity), "learningRate"),
      (SGD(useEMA: true, emaMomentum: 1.5), "emaMomentum"),
      (Adam(useEMA: true, emaMomentum: .nan), "emaMomentum"),
      (RMSprop(useEMA: true, emaOverwriteFrequency: 0), "emaOverwriteFrequency"),
      (Nadam(useEMA: true, emaOverwriteFrequency: Int.min), "emaOverwriteFrequency"),
    ]
    for (optimizer, parameter) in invalid {
      let w = Variable(try Tensor([Float(1), 2]), name: "w")
      #expect {
        try optimizer.apply([Tensor([Float(0.5), -0.5])], to: [w])
      } throws: { error in
        "\(error)".contains(parameter) && "\(error)".contains("\(type(of: optimizer))")
      }
      #expect(optimizer.iterations == 0)
      #expect(try w.value.scalars(Float.self) == [1, 2])
    }
  }

  @Test func iterationsOutOfRangeAreErrorsNotTraps() throws {
    for iterations in [Int.max, -1, Int.min] {
      for optimizer in [Adam(), Nadam(), Adamax(), SGD(useEMA: true, emaOverwriteFrequency: 3)] {
        optimizer.iterations = iterations
        let w = Variable(try Tensor([Float(1)]), name: "w")
        #expect {
          try optimizer.apply([Tensor([Float(1)])], to: [w])
        } throws: { "\($0)".contains("iterations") }
        #expect(try w.value.scalars(Float.self) == [1])
      }
    }
    // The last valid step runs: the step counts are computed without overflow.
    let optimizer = Adamax(learningRate: 0.1)
    optimizer.iterations = Int.max - 1
    let w = Variable(try Tensor([Float(1)]), name: "w")
    try optimizer.apply([Tensor([Float(1)])], to: [w])
    #expect(optimizer.iterations == Int.max)
    #expect(try w.value.scalars(Float.self).allSatisfy(\.isFinite))
  }

  @Test func hostileConfigsAreClearErrors() throws {
    func config(_ className: String, _ members: [String: ConfigValue]) -> ConfigValue {
      [
        "module": "keras.optimizers", "class_name": .string(className),
        "config": .object(members), "registered_name": .null,
      ]
    }
    let cases: [(ConfigValue, String)] = [
      (config("Adagrad", ["initial_accumulator_value": -1]), "initialAccumulatorValue"),
      (config("Adagrad", ["learning_rate": -0.5]), "learningRate"),
      (config("Adadelta", ["rho": "high"]), "rho"),
      (config("Adamax", ["beta_1": 1.0]), "beta1"),
      (config("Nadam", ["use_ema": "yes"]), "use_ema"),
      (config("Nadam", ["use_ema": true, "ema_overwrite_frequency": 0]), "emaOverwriteFrequency"),
      (config("Lion", ["use_ema": true, "ema_momentum": 7]), "emaMomentum"),
      (config("Lion", ["beta_1": 0]), "beta1"),
      (config("Lion", ["epsilon": 1e-7]), "epsilon"),
      (config("AdamW", ["weight_decay": .null]), "weight_decay"),
      (config("Adam", ["amsgrad": 1]), "amsgrad"),
      (config("SGD", ["ema_overwrite_frequency": 1e300]), "ema_overwrite_frequency"),
      (config("Ftrl", [:]), "Optimizer.registry"),
    ]
    for (value, word) in cases {
      #expect { _ = try Optimizer.fromConfig(value) } throws: { "\($0)".contains(word) }
    }
  }

  @Test func theNewOptimizersResolveByKerasNames() throws {
    #expect(try Optimizer.named("adagrad") is Adagrad)
    #expect(try Optimizer.named("Adadelta") is Adadelta)
    #expect(try Optimizer.named("adamax") is Adamax)
    #expect(try Optimizer.named("NADAM") is Nadam)
    #expect(try Optimizer.named("lion") is Lion)
    for name in Optimizer.knownNames {
      let optimizer = try Optimizer.named(name)
      #expect(try Optimizer.fromConfig(optimizer.serialized.value).className == optimizer.className)
      #expect(try Optimizer.fromConfig(.string(name)).className == optimizer.className)
    }
  }

  @Test func stateVariablesRefuseAVariableListedTwice() throws {
    let w = Variable(try Tensor([Float(1)]), name: "w")
    #expect {
      _ = try Adam().stateVariables(for: [w, w])
    } throws: { "\($0)".contains("twice") }
  }

  @Test func stateIsCreatedAsTheFirstStepWouldCreateIt() throws {
    let w = Variable(try Tensor([Float(1), 2]), name: "w")
    let b = Variable(try Tensor([Float(3)], shape: [1]), name: "b")
    let adagrad = Adagrad(initialAccumulatorValue: 0.25, useEMA: true)
    let state = try adagrad.stateVariables(for: [w, b])
    #expect(state.map(\.name) == ["w_average", "b_average", "w_accumulator", "b_accumulator"])
    #expect(try state[2].value.scalars(Float.self) == [0.25, 0.25])
    #expect(try state[0].value.scalars(Float.self) == [0, 0])
    #expect(state.allSatisfy { !$0.trainable })
    let nadam = try Nadam().stateVariables(for: [w, b])
    #expect(nadam.map(\.name).suffix(1) == ["u_product"])
    #expect(try nadam.last?.value.scalars(Float.self) == [1])
    #expect(try SGD().stateVariables(for: [w, b]).isEmpty)
    let ams = try AdamW(amsgrad: true).stateVariables(for: [w, b]).map(\.name)
    #expect(
      ams == [
        "w_momentum", "w_velocity", "b_momentum", "b_velocity", "w_velocity_hat",
        "b_velocity_hat",
      ])
  }
}
