import Plexus
import Testing

/// A custom layer a user registers: `y = factor · x`.
private final class Scale: Layer {
  let factor: Double

  init(factor: Double, name: String? = nil) {
    self.factor = factor
    super.init(name: name)
  }

  override func call(_ x: Tensor, training: Bool) throws -> Tensor { try x * factor }

  override var config: [String: ConfigValue] {
    super.config.merging(["factor": .double(factor)]) { $1 }
  }
}

@Suite(.serialized) struct RegistryTests {
  @Test func unknownNamesSayWhatAndHowToRegister() {
    let cases: [(() throws -> Void, String, String)] = [
      (
        { _ = try Layer.fromConfig(["class_name": "Mystery", "config": [:]]) }, "Mystery",
        "Layer.registry.register"
      ),
      (
        { _ = try Loss.fromConfig(["class_name": "Lovasz", "config": [:]]) }, "Lovasz",
        "Loss.registry.register"
      ),
      (
        { _ = try Optimizer.fromConfig(["class_name": "Ftrl", "config": [:]]) }, "Ftrl",
        "Optimizer.registry.register"
      ),
      (
        { _ = try Metric.fromConfig(["class_name": "Sharpness", "config": [:]]) }, "Sharpness",
        "Metric.registry.register"
      ),
      (
        { _ = try Regularizers.fromConfig(["class_name": "Orthogonal", "config": [:]]) },
        "Orthogonal", "Regularizers.registry.register"
      ),
      (
        { _ = try Constraints.fromConfig(["class_name": "MinMaxNorm", "config": [:]]) },
        "MinMaxNorm", "Constraints.registry.register"
      ),
      (
        { _ = try ActivationFunction.fromConfig("cube_root") }, "cube_root",
        "ActivationFunction.register"
      ),
    ]
    for (load, name, hint) in cases {
      #expect {
        try load()
      } throws: { error in "\(error)".contains("'\(name)'") && "\(error)".contains(hint) }
    }
  }

  @Test func aRegisteredCustomLayerSavesAndLoads() throws {
    Layer.registry.register("Scale", package: "MyApp") { config in
      let settings = try LayerSettings(config)
      return try settings.finish(
        config, Scale(factor: try config.double("factor"), name: settings.name))
    }
    defer { Layer.registry.unregister("MyApp>Scale") }
    let layer = Scale(factor: 3, name: "triple")
    let serialized = layer.serialized
    #expect(serialized.registeredName == "MyApp>Scale")
    #expect(serialized.className == "Scale")
    let copy = try #require(try Layer.fromConfig(serialized.value) as? Scale)
    #expect(copy.factor == 3)
    #expect(copy.name == "triple")
    #expect(try copy(Tensor([Float(2)])).scalars(Float.self) == [6])
  }

  @Test func aCustomLayerInsideAModelLoads() throws {
    Layer.registry.register("Scale") { config in
      let settings = try LayerSettings(config)
      return try settings.finish(
        config, Scale(factor: try config.double("factor"), name: settings.name))
    }
    defer { Layer.registry.unregister("Scale") }
    let model = Sequential(name: "scaled") {
      Input(shape: [2], name: "x")
      Scale(factor: 0.5, name: "half")
      Dense(1, kernelInitializer: .ones, name: "sum")
    }
    let copy = try Model.fromJSON(model.toJSON())
    #expect(copy.layers.map(\.className) == ["Scale", "Dense"])
    #expect(try copy(Tensor([Float(2), 4], shape: [1, 2])).scalars(Float.self) == [3])
  }

  @Test func aRegisteredActivationLoadsByName() throws {
    try ActivationFunction.register("cube") { x in try x * x * x }
    let dense = Dense(1, activation: try ActivationFunction(name: "cube"), kernelInitializer: .ones)
    let copy = try #require(try Layer.fromConfig(dense.serialized.value) as? Dense)
    #expect(copy.activation.name == "cube")
    #expect(try copy(Tensor([Float(2)], shape: [1, 1])).scalars(Float.self) == [8])
    #expect(throws: PlexusError.self) { try ActivationFunction.register("relu") { $0 } }
  }

  @Test func settingsPlexusCannotHonourAreRefused() throws {
    var dense = try #require(Dense(2).serialized.value.objectValue)
    var config = try #require(dense["config"]?.objectValue)
    config["lora_rank"] = 4
    dense["config"] = .object(config)
    #expect {
      _ = try Layer.fromConfig(.object(dense))
    } throws: { "\($0)".contains("lora_rank") && "\($0)".contains("LoRA") }

    var adam = try #require(Adam().serialized.value.objectValue)
    adam["config"] = .object(
      (adam["config"]?.objectValue ?? [:]).merging(["loss_scale_factor": 128]) { $1 })
    #expect { _ = try Optimizer.fromConfig(.object(adam)) } throws: {
      "\($0)".contains("loss_scale_factor")
    }

    var policy = try #require(Dense(2).serialized.value.objectValue)
    policy["config"] = .object(
      (policy["config"]?.objectValue ?? [:]).merging(["dtype": "mixed_float16"]) { $1 })
    #expect { _ = try Layer.fromConfig(.object(policy)) } throws: {
      "\($0)".contains("mixed_float16")
    }
  }
}

@Suite struct CustomInitializerTests {
  @Test func aRegisteredInitializerDrawsSavesAndLoads() throws {
    try Initializer.register("HalfFilled") { shape, dtype, parameters in
      try Tensor.full(shape, value: parameters["scale", default: 1] / 2, dtype: dtype)
    }
    let initializer = try Initializer(name: "HalfFilled", parameters: ["scale": 3])
    #expect(try initializer([2]).scalars(Float.self) == [1.5, 1.5])
    let dense = Dense(2, kernelInitializer: initializer, name: "half")
    let copy = try #require(try Layer.fromConfig(dense.serialized.value) as? Dense)
    #expect(copy.kernelInitializer == initializer)
    #expect(initializer.serialized.registeredName == "HalfFilled")
    #expect(throws: PlexusError.self) {
      try Initializer.register("GlorotUniform") { _, _, _ in
        try Tensor.zeros([1])
      }
    }
  }
}

@Suite struct MalformedConfigTests {
  @Test func malformedLayerConfigsNameTheKey() throws {
    let reshape: ConfigValue = [
      "class_name": "Reshape", "config": ["name": "r", "target_shape": [2, "x"]],
    ]
    #expect { _ = try Layer.fromConfig(reshape) } throws: { "\($0)".contains("target_shape") }
    let dense: ConfigValue = ["class_name": "Dense", "config": ["units": "many"]]
    #expect { _ = try Layer.fromConfig(dense) } throws: { "\($0)".contains("'units'") }
    let unknownKey: ConfigValue = ["class_name": "Flatten", "config": ["colour": "blue"]]
    #expect { _ = try Layer.fromConfig(unknownKey) } throws: { "\($0)".contains("'colour'") }
    #expect(throws: PlexusError.self) { _ = try Model.fromJSON(#"{"class_name": 3}"#) }
  }
}

@Suite struct RegistryUnregisterTests {
  @Test func unregisteringForgetsTheNameAndItsRegisteredName() throws {
    let registry = Registry<Int>(kind: "number", owner: "Numbers.registry")
    registry.register("Seven", package: "Tests") { _ in 7 }
    #expect(registry.registeredName(forClass: "Seven") == "Tests>Seven")
    registry.unregister("Tests>Seven")
    #expect(!registry.names.contains("Tests>Seven"))
    // No stale package name is written for the class any more.
    #expect(registry.registeredName(forClass: "Seven") == "Seven")
  }
}
