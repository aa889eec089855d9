import Plexus

/// Plexus's twin of every object `scripts/keras_fixtures.py` serializes with Keras, under the
/// same key, with the code that rebuilds one from its config.
enum KerasFixtureCases {
  struct Case {
    /// Plexus's serialization of the object.
    let serialized: () throws -> ConfigValue
    /// Rebuilds an object from a serialization and serializes it again.
    let rebuild: (ConfigValue) throws -> ConfigValue
  }

  static func layer(_ make: @escaping () throws -> Layer) -> Case {
    Case(
      serialized: { try make().serialized.value },
      rebuild: { try Layer.fromConfig($0).serialized.value })
  }

  /// Builds `layer` the public way, by calling it on symbolic inputs of `shapes`.
  static func built(_ layer: Layer, _ shapes: [Shape]) throws -> Layer {
    let inputs = shapes.map { Input(shape: Shape(Array($0.dims.dropFirst()))) }
    _ = try layer(inputs)
    return layer
  }

  static func loss(_ make: @escaping () -> Loss) -> Case {
    Case(
      serialized: { make().serialized.value },
      rebuild: { try Loss.fromConfig($0).serialized.value })
  }

  static func optimizer(_ make: @escaping () -> Optimizer) -> Case {
    Case(
      serialized: { make().serialized.value },
      rebuild: { try Optimizer.fromConfig($0).serialized.value })
  }

  static func metric(_ make: @escaping () -> Metric) -> Case {
    Case(
      serialized: { make().serialized.value },
      rebuild: { try Metric.fromConfig($0).serialized.value })
  }

  static func initializer(_ value: Initializer) -> Case {
    Case(
      serialized: { value.serialized.value },
      rebuild: { try Initializer.fromConfig($0).serialized.value })
  }

  static func regularizer(_ make: @escaping () -> any Regularizer) -> Case {
    Case(
      serialized: { make().serialized.value },
      rebuild: { try Regularizers.fromConfig($0).serialized.value })
  }

  static func constraint(_ make: @escaping () -> any Constraint) -> Case {
    Case(
      serialized: { make().serialized.value },
      rebuild: { try Constraints.fromConfig($0).serialized.value })
  }

  static let activationNames = [
    "linear", "relu", "relu6", "leaky_relu", "sigmoid", "hard_sigmoid", "tanh", "softmax",
    "log_softmax", "gelu", "silu", "swish", "elu", "selu", "softplus", "softsign", "exponential",
    "mish",
  ]

  static var all: [String: Case] {
    var cases: [String: Case] = [
      "layer/dense_default": layer { try built(Dense(4, name: "dense_default"), [[-1, 3]]) },
      "layer/dense_full": layer {
        try built(
          Dense(
            5, activation: .relu, kernelInitializer: Initializer.heNormal.seeded(7),
            biasInitializer: .constant(0.1), kernelRegularizer: L2(0.01),
            biasRegularizer: L1(0.02), activityRegularizer: L1L2(l1: 0.001, l2: 0.002),
            kernelConstraint: MaxNorm(3), biasConstraint: NonNeg(), name: "dense_full"),
          [[-1, 6]])
      },
      "layer/dense_unbuilt": layer {
        let dense = Dense(
          2, activation: .softmax, useBias: false, kernelConstraint: UnitNorm(axis: 1),
          name: "dense_unbuilt")
        dense.trainable = false
        return dense
      },
      "layer/dropout": layer { Dropout(0.25, name: "dropout_a") },
      "layer/dropout_half": layer { Dropout(0.5, name: "dropout_b") },
      "layer/flatten": layer { try built(Flatten(name: "flatten_a"), [[-1, 2, 3]]) },
      "layer/flatten_unbuilt": layer { Flatten(name: "flatten_b") },
      "layer/reshape": layer { Reshape([2, -1], name: "reshape_a") },
      "layer/reshape_3d": layer { Reshape([3, 2, 1], name: "reshape_b") },
      "layer/concatenate": layer {
        try built(Concatenate(axis: 1, name: "concat_a"), [[-1, 2], [-1, 3]])
      },
      "layer/concatenate_default": layer { Concatenate(name: "concat_b") },
      "layer/add": layer { try built(Add(name: "add_a"), [[-1, 3], [-1, 3]]) },
      "layer/add_unbuilt": layer { Add(name: "add_b") },
      "layer/activation_tanh": layer { Activation(.tanh, name: "activation_a") },
      "layer/activation_gelu": layer { Activation(.gelu, name: "activation_b") },
      "layer/conv2d_full": layer {
        try built(
          Conv2D(
            8, kernelSize: [3, 5], strides: 2, padding: .same, groups: 2, activation: .relu,
            useBias: false, kernelInitializer: Initializer.heNormal.seeded(3),
            kernelRegularizer: L2(0.01), activityRegularizer: L1(0.001),
            kernelConstraint: MaxNorm(2), name: "conv2d_full"),
          [[-1, 8, 8, 4]])
      },
      "layer/conv2d_unbuilt": layer { Conv2D(4, kernelSize: 3, name: "conv2d_unbuilt") },
      "layer/conv1d_causal": layer {
        try built(
          Conv1D(6, kernelSize: 3, padding: .causal, dilationRate: 2, name: "conv1d_causal"),
          [[-1, 10, 3]])
      },
      "layer/max_pooling2d": layer {
        MaxPooling2D(poolSize: [2, 3], strides: 1, padding: .same, name: "max_pooling2d_a")
      },
      "layer/average_pooling1d": layer {
        AveragePooling1D(poolSize: 3, name: "average_pooling1d_a")
      },
      "layer/global_average_pooling2d": layer {
        GlobalAveragePooling2D(keepdims: true, name: "global_average_pooling2d_a")
      },
      "layer/global_max_pooling1d": layer { GlobalMaxPooling1D(name: "global_max_pooling1d_a") },
      "layer/batch_normalization": layer {
        try built(
          BatchNormalization(
            momentum: 0.9, epsilon: 1e-5, center: false, gammaRegularizer: L2(0.1),
            name: "batch_normalization_a"),
          [[-1, 4]])
      },
      "layer/layer_normalization_axes": layer {
        LayerNormalization(axis: [1, 2], name: "layer_normalization_a")
      },
      "layer/layer_normalization_built": layer {
        try built(LayerNormalization(name: "layer_normalization_b"), [[-1, 3, 5]])
      },
      "layer/zero_padding2d": layer {
        ZeroPadding2D(padding: ((1, 2), (3, 4)), name: "zero_padding2d_a")
      },
      "layer/up_sampling2d_bilinear": layer {
        UpSampling2D(size: [2, 3], interpolation: .bilinear, name: "up_sampling2d_a")
      },
      "layer/cropping2d": layer {
        try built(Cropping2D(cropping: 2, name: "cropping2d_a"), [[-1, 6, 6, 1]])
      },
      "layer/conv2d_transpose": layer {
        try built(
          Conv2DTranspose(
            4, kernelSize: 3, strides: 2, padding: .same, outputPadding: 1,
            name: "conv2d_transpose_a"),
          [[-1, 5, 5, 2]])
      },
      "layer/depthwise_conv2d": layer {
        DepthwiseConv2D(
          kernelSize: 3, depthMultiplier: 2, depthwiseRegularizer: L1(0.01),
          name: "depthwise_conv2d_a")
      },
      "layer/separable_conv2d": layer {
        try built(
          SeparableConv2D(
            8, kernelSize: 3, pointwiseConstraint: NonNeg(), name: "separable_conv2d_a"),
          [[-1, 6, 6, 3]])
      },
      "layer/sequential_unbuilt": layer {
        Sequential(
          [Dense(2, name: "dense_in_sequential"), Dropout(0.1, name: "dropout_c")],
          name: "unbuilt_sequential")
      },
      "layer/functional_nested": layer {
        let inner = Sequential(name: "inner_sequential") {
          Input(shape: [3], name: "inner_in")
          Dense(2, name: "inner_dense")
        }
        let inputs = Input(shape: [3], name: "outer_in")
        let outputs = try Activation(.relu, name: "outer_relu")(inner(inputs))
        return try Model(inputs: inputs, outputs: outputs, name: "nested")
      },
      "layer/functional_single": layer {
        let inputs = Input(shape: [5], name: "features")
        let hidden = try Dense(3, activation: .tanh, name: "dense_single")(inputs)
        let outputs = try Dropout(0.3, name: "dropout_single")(hidden)
        return try Model(inputs: inputs, outputs: outputs, name: "single")
      },

      "loss/scce_logits": loss { SparseCategoricalCrossentropy(fromLogits: true) },
      "loss/scce_sum": loss { SparseCategoricalCrossentropy(reduction: .sum, name: "scce") },
      "loss/cce_smoothing": loss { CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1) },
      "loss/cce_none": loss { CategoricalCrossentropy(reduction: .none) },
      "loss/bce_smoothing": loss { BinaryCrossentropy(labelSmoothing: 0.2) },
      "loss/bce_logits": loss { BinaryCrossentropy(fromLogits: true, name: "bce") },
      "loss/mse": loss { MeanSquaredError() },
      "loss/mse_sum": loss { MeanSquaredError(reduction: .sum, name: "mse") },

      "optimizer/sgd_nesterov": optimizer { SGD(learningRate: 0.1, momentum: 0.9, nesterov: true) },
      "optimizer/sgd_clipnorm": optimizer { SGD(clipnorm: 1.0) },
      "optimizer/adam": optimizer { Adam(learningRate: 0.01, beta1: 0.8, epsilon: 1e-6) },
      "optimizer/adam_global_clipnorm": optimizer { Adam(globalClipnorm: 2.0, name: "my_adam") },
      "optimizer/adamw": optimizer { AdamW(learningRate: 0.002, weightDecay: 0.01) },
      "optimizer/adamw_clipvalue": optimizer { AdamW(clipvalue: 0.5) },
      "optimizer/rmsprop_centered": optimizer { RMSprop(rho: 0.8, momentum: 0.5, centered: true) },
      "optimizer/rmsprop": optimizer { RMSprop(learningRate: 0.01, epsilon: 1e-5) },

      "metric/accuracy": metric { Accuracy() },
      "metric/accuracy_named": metric { Accuracy(name: "acc") },
      "metric/binary_accuracy": metric { BinaryAccuracy(threshold: 0.3) },
      "metric/binary_accuracy_named": metric { BinaryAccuracy(name: "bin") },
      "metric/categorical_accuracy": metric { CategoricalAccuracy() },
      "metric/categorical_accuracy_named": metric { CategoricalAccuracy(name: "cat_acc") },
      "metric/sparse_categorical_accuracy": metric { SparseCategoricalAccuracy() },
      "metric/sparse_categorical_accuracy_named": metric { SparseCategoricalAccuracy(name: "sca") },
      "metric/mean": metric { Mean() },
      "metric/mean_named": metric { Mean(name: "avg") },

      "initializer/glorot_uniform": initializer(Initializer.glorotUniform.seeded(1)),
      "initializer/glorot_normal": initializer(.glorotNormal),
      "initializer/he_uniform": initializer(Initializer.heUniform.seeded(2)),
      "initializer/he_normal": initializer(.heNormal),
      "initializer/lecun_uniform": initializer(.lecunUniform),
      "initializer/lecun_normal": initializer(Initializer.lecunNormal.seeded(3)),
      "initializer/zeros": initializer(.zeros),
      "initializer/ones": initializer(.ones),
      "initializer/constant": initializer(.constant(0.5)),
      "initializer/constant_negative": initializer(.constant(-2.0)),
      "initializer/random_normal": initializer(
        Initializer.randomNormal(mean: 1, stddev: 0.5).seeded(4)),
      "initializer/random_uniform": initializer(.randomUniform(minval: -1, maxval: 1)),
      "initializer/truncated_normal": initializer(
        Initializer.truncatedNormal(stddev: 0.1).seeded(5)),

      "regularizer/l1": regularizer { L1() },
      "regularizer/l1_strong": regularizer { L1(0.3) },
      "regularizer/l2": regularizer { L2() },
      "regularizer/l2_weak": regularizer { L2(0.05) },
      "regularizer/l1l2": regularizer { L1L2(l1: 0.1, l2: 0.2) },
      "regularizer/l1l2_l2_only": regularizer { L1L2(l2: 0.3) },

      "constraint/max_norm": constraint { MaxNorm() },
      "constraint/max_norm_axis1": constraint { MaxNorm(1.5, axis: 1) },
      "constraint/non_neg": constraint { NonNeg() },
      "constraint/unit_norm": constraint { UnitNorm() },
      "constraint/unit_norm_axis1": constraint { UnitNorm(axis: 1) },
    ]
    for name in activationNames {
      cases["activation/" + name] = Case(
        serialized: { try ActivationFunction(name: name).serialized.value },
        rebuild: { try ActivationFunction.fromConfig($0).serialized.value })
    }
    return cases
  }
}
