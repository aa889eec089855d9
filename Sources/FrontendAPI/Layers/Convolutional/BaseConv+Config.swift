extension BaseConv {
  /// Builds a ``Conv1D`` (`rank` 1), ``Conv2D`` (`rank` 2) or ``Conv3D`` (`rank` 3) from
  /// Keras's config, checking the settings at once.
  static func make(_ config: ConfigReader, rank: Int) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    try config.requireDefault("lora_rank", .null, reason: "Plexus's convolutions have no LoRA")
    _ = config.value("lora_alpha")
    let allowed: [Padding] = rank == 1 ? [.valid, .same, .causal] : [.valid, .same]
    let filters = try config.int("filters")
    let kernelSize = SpatialSize(try config.spatial("kernel_size", rank: rank))
    let strides = SpatialSize(try config.spatial("strides", rank: rank, default: [1]))
    let padding = try config.padding(allowed: allowed)
    let dilationRate = SpatialSize(try config.spatial("dilation_rate", rank: rank, default: [1]))
    let groups = try config.optionalInt("groups", default: 1) ?? 1
    let activation = try config.activation()
    let useBias = try config.bool("use_bias", default: true)
    let kernelInitializer = try config.initializer("kernel_initializer", default: .glorotUniform)
    let biasInitializer = try config.initializer("bias_initializer", default: .zeros)
    let kernelRegularizer = try config.regularizer("kernel_regularizer")
    let biasRegularizer = try config.regularizer("bias_regularizer")
    let activityRegularizer = try config.regularizer("activity_regularizer")
    let kernelConstraint = try config.constraint("kernel_constraint")
    let biasConstraint = try config.constraint("bias_constraint")
    let layer: BaseConv
    switch rank {
    case 1:
      layer = Conv1D(
        filters, kernelSize: kernelSize, strides: strides, padding: padding,
        dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
        kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
        kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
        activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
        biasConstraint: biasConstraint, name: settings.name)
    case 2:
      layer = Conv2D(
        filters, kernelSize: kernelSize, strides: strides, padding: padding,
        dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
        kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
        kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
        activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
        biasConstraint: biasConstraint, name: settings.name)
    default:
      layer = Conv3D(
        filters, kernelSize: kernelSize, strides: strides, padding: padding,
        dilationRate: dilationRate, groups: groups, activation: activation, useBias: useBias,
        kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
        kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
        activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
        biasConstraint: biasConstraint, name: settings.name)
    }
    try layer.validate()
    return try settings.finish(config, layer)
  }

  /// Builds a ``Conv1DTranspose`` (`rank` 1), ``Conv2DTranspose`` (`rank` 2) or
  /// ``Conv3DTranspose`` (`rank` 3) from Keras's config, checking the settings at once.
  static func makeTransposed(_ config: ConfigReader, rank: Int) throws -> Layer {
    let settings = try LayerSettings(config)
    try config.requireChannelsLast()
    let outputPadding = try config.value("output_padding").flatMap { raw in
      raw.isNull ? nil : try config.spatial("output_padding", rank: rank)
    }
    let filters = try config.int("filters")
    let kernelSize = SpatialSize(try config.spatial("kernel_size", rank: rank))
    let strides = SpatialSize(try config.spatial("strides", rank: rank, default: [1]))
    let padding = try config.padding(allowed: [.valid, .same])
    let dilationRate = SpatialSize(try config.spatial("dilation_rate", rank: rank, default: [1]))
    let activation = try config.activation()
    let useBias = try config.bool("use_bias", default: true)
    let kernelInitializer = try config.initializer("kernel_initializer", default: .glorotUniform)
    let biasInitializer = try config.initializer("bias_initializer", default: .zeros)
    let kernelRegularizer = try config.regularizer("kernel_regularizer")
    let biasRegularizer = try config.regularizer("bias_regularizer")
    let activityRegularizer = try config.regularizer("activity_regularizer")
    let kernelConstraint = try config.constraint("kernel_constraint")
    let biasConstraint = try config.constraint("bias_constraint")
    let layer: BaseConv
    switch rank {
    case 1:
      layer = Conv1DTranspose(
        filters, kernelSize: kernelSize, strides: strides, padding: padding,
        outputPadding: outputPadding?.first, dilationRate: dilationRate, activation: activation,
        useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
        kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer,
        activityRegularizer: activityRegularizer, kernelConstraint: kernelConstraint,
        biasConstraint: biasConstraint, name: settings.name)
    case 2:
      layer = Conv2DTranspose(
        filters, kernelSize: kernelSize, strides: strides, padding: padding,
        outputPadding: outputPadding.map(SpatialSize.init), dilationRate: dilationRate,
        activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
        biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
        biasRegularizer: biasRegularizer, activityRegularizer: activityRegularizer,
        kernelConstraint: kernelConstraint, biasConstraint: biasConstraint, name: settings.name)
    default:
      layer = Conv3DTranspose(
        filters, kernelSize: kernelSize, strides: strides, padding: padding,
        outputPadding: outputPadding.map(SpatialSize.init), dilationRate: dilationRate,
        activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
        biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer,
        biasRegularizer: biasRegularizer, activityRegularizer: activityRegularizer,
        kernelConstraint: kernelConstraint, biasConstraint: biasConstraint, name: settings.name)
    }
    try layer.validate()
    return try settings.finish(config, layer)
  }
}
