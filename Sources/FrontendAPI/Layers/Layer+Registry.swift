extension Layer {
  /// The names layers and models load by: Keras's class names for the built-ins; register
  /// custom layers here.
  ///
  /// ```swift
  /// Layer.registry.register("Scale", package: "MyApp") { config in
  ///   let settings = try LayerSettings(config)
  ///   return try settings.finish(config, Scale(factor: try config.double("factor"),
  ///                                            name: settings.name))
  /// }
  /// ```
  public static let registry = Registry<Layer>(
    kind: "layer", owner: "Layer.registry",
    builtins: [
      "Dense": makeDense,
      "Dropout": Dropout.make,
      "Flatten": { config in
        let settings = try LayerSettings(config)
        try config.requireDefault(
          "data_format", "channels_last", reason: "Plexus is channels-last throughout")
        return try settings.finish(config, Flatten(name: settings.name))
      },
      "Reshape": { config in
        let settings = try LayerSettings(config)
        let entries = config.value("target_shape")?.arrayValue ?? []
        let dims = entries.compactMap(\.intValue)
        guard !entries.isEmpty, dims.count == entries.count else {
          throw config.mismatch("target_shape", "a list of integers (-1 for one inferred axis)")
        }
        return try settings.finish(config, Reshape(Shape(dims), name: settings.name))
      },
      "Concatenate": { config in
        let settings = try LayerSettings(config)
        let axis = try config.optionalInt("axis", default: -1) ?? -1
        return try settings.finish(config, Concatenate(axis: axis, name: settings.name))
      },
      "Add": { config in
        let settings = try LayerSettings(config)
        return try settings.finish(config, Add(name: settings.name))
      },
      "Activation": { config in
        let settings = try LayerSettings(config)
        let activation = try ActivationFunction.fromConfig(config.value("activation") ?? .null)
        return try settings.finish(config, Activation(activation, name: settings.name))
      },
      "InputLayer": { config in
        throw PlexusError.invalidArgument(
          context: "Layer.fromConfig",
          message: "an InputLayer is not a Plexus layer; it is read as the Input of the "
            + "Sequential or Functional model whose config lists it")
      },
      "Conv1D": { try BaseConv.make($0, rank: 1) },
      "Conv2D": { try BaseConv.make($0, rank: 2) },
      "Conv3D": { try BaseConv.make($0, rank: 3) },
      "Conv2DTranspose": { try BaseConv.makeTransposed($0, rank: 2) },
      "Conv1DTranspose": { try BaseConv.makeTransposed($0, rank: 1) },
      "Conv3DTranspose": { try BaseConv.makeTransposed($0, rank: 3) },
      "DepthwiseConv2D": DepthwiseConv2D.make,
      "SeparableConv2D": SeparableConv2D.make,
      "MaxPooling1D": { try BasePooling.make($0, rank: 1, mode: .max) },
      "MaxPooling2D": { try BasePooling.make($0, rank: 2, mode: .max) },
      "AveragePooling1D": { try BasePooling.make($0, rank: 1, mode: .average) },
      "AveragePooling2D": { try BasePooling.make($0, rank: 2, mode: .average) },
      "MaxPooling3D": { try BasePooling.make($0, rank: 3, mode: .max) },
      "AveragePooling3D": { try BasePooling.make($0, rank: 3, mode: .average) },
      "GlobalMaxPooling1D": { try BaseGlobalPooling.make($0, rank: 1, mode: .max) },
      "GlobalMaxPooling2D": { try BaseGlobalPooling.make($0, rank: 2, mode: .max) },
      "GlobalAveragePooling1D": { try BaseGlobalPooling.make($0, rank: 1, mode: .average) },
      "GlobalAveragePooling2D": { try BaseGlobalPooling.make($0, rank: 2, mode: .average) },
      "GlobalMaxPooling3D": { try BaseGlobalPooling.make($0, rank: 3, mode: .max) },
      "GlobalAveragePooling3D": { try BaseGlobalPooling.make($0, rank: 3, mode: .average) },
      "BatchNormalization": BatchNormalization.make,
      "LayerNormalization": LayerNormalization.make,
      "ZeroPadding2D": ZeroPadding2D.make,
      "UpSampling2D": UpSampling2D.make,
      "Cropping2D": Cropping2D.make,
      "ZeroPadding3D": ZeroPadding3D.make,
      "UpSampling3D": UpSampling3D.make,
      "Cropping3D": Cropping3D.make,
      "RNN": RNN.makeRNN,
      "LSTM": LSTM.make,
      "GRU": GRU.make,
      "SimpleRNN": SimpleRNN.make,
      "LSTMCell": LSTMCell.make,
      "GRUCell": GRUCell.make,
      "SimpleRNNCell": SimpleRNNCell.make,
      "Bidirectional": Bidirectional.make,
      "TimeDistributed": TimeDistributed.make,
      "Embedding": Embedding.make,
      "Masking": Masking.make,
      "Multiply": { try Merge.make($0) { Multiply(name: $0) } },
      "Subtract": { try Merge.make($0) { Subtract(name: $0) } },
      "Average": { try Merge.make($0) { Average(name: $0) } },
      "Maximum": { try Merge.make($0) { Maximum(name: $0) } },
      "Minimum": { try Merge.make($0) { Minimum(name: $0) } },
      "Dot": Dot.make,
      "RepeatVector": RepeatVector.make,
      "Permute": Permute.make,
      "GaussianNoise": GaussianNoise.make,
      "SpatialDropout1D": SpatialDropout1D.make,
      "SpatialDropout2D": SpatialDropout2D.make,
      "Rescaling": Rescaling.make,
      "Normalization": Normalization.make,
      "RandomFlip": ImageAugmentation.makeFlip,
      "RandomRotation": ImageAugmentation.makeRotation,
      "RandomTranslation": ImageAugmentation.makeTranslation,
      "RandomZoom": ImageAugmentation.makeZoom,
      "RandomContrast": ImageAugmentation.makeContrast,
      "RandomBrightness": ImageAugmentation.makeBrightness,
      "Resizing": ImageAugmentation.makeResizing,
      "CenterCrop": ImageAugmentation.makeCenterCrop,
      "CategoryEncoding": CategoryEncoding.make,
      "Discretization": Discretization.make,
      "MultiHeadAttention": MultiHeadAttention.make,
      "Attention": Attention.make,
      "AdditiveAttention": AdditiveAttention.makeAdditive,
      "ReLU": ReLU.make,
      "LeakyReLU": LeakyReLU.make,
      "ELU": ELU.make,
      "PReLU": PReLU.make,
      "Softmax": Softmax.make,
      "Identity": Identity.make,
      "ZeroPadding1D": ZeroPadding1D.make,
      "Cropping1D": Cropping1D.make,
      "UpSampling1D": UpSampling1D.make,
      "UnitNormalization": UnitNormalization.make,
      "GroupNormalization": GroupNormalization.make,
      "GaussianDropout": GaussianDropout.make,
      "ActivityRegularization": ActivityRegularization.make,
      "Sequential": { config in try Sequential.fromConfig(config) },
      "Functional": { config in try Model.functional(from: config) },
    ])

  private static func makeDense(_ config: ConfigReader) throws -> Layer {
    let settings = try LayerSettings(config)
    let lora = "Plexus's Dense has no LoRA adapter"
    try config.requireDefault("lora_rank", .null, reason: lora)
    _ = config.value("lora_alpha")
    try config.requireDefault(
      "quantization_config", .null, reason: "Plexus's Dense is not quantized")
    func optional<T>(_ key: String, _ read: (ConfigValue) throws -> T) throws -> T? {
      guard let raw = config.value(key), !raw.isNull else { return nil }
      return try read(raw)
    }
    let units = try config.int("units")
    guard units > 0 else {
      // Keras rejects it when the layer is made, not when it is first built.
      throw config.mismatch("units", "a positive integer")
    }
    let dense = Dense(
      units,
      activation: try ActivationFunction.fromConfig(config.value("activation") ?? .null),
      useBias: try config.bool("use_bias", default: true),
      kernelInitializer: try optional("kernel_initializer", Initializer.fromConfig)
        ?? .glorotUniform,
      biasInitializer: try optional("bias_initializer", Initializer.fromConfig) ?? .zeros,
      kernelRegularizer: try optional("kernel_regularizer", Regularizers.fromConfig),
      biasRegularizer: try optional("bias_regularizer", Regularizers.fromConfig),
      activityRegularizer: try optional("activity_regularizer", Regularizers.fromConfig),
      kernelConstraint: try optional("kernel_constraint", Constraints.fromConfig),
      biasConstraint: try optional("bias_constraint", Constraints.fromConfig),
      name: settings.name)
    return try settings.finish(config, dense)
  }
}
