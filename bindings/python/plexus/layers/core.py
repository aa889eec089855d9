"""Core layers: Dense, Activation, Dropout, Embedding, Masking (keras/src/layers/core,
regularization)."""

from .. import activations, constraints, initializers, regularizers
from .base import Layer


class Dense(Layer):
    """`activation(inputs @ kernel + bias)` on the last axis.

    ```python
    layers.Dense(128, activation="relu")
    ```
    Input `(batch, ..., input_dim)`, output `(batch, ..., units)`.
    Equivalent to `keras.layers.Dense`."""

    _check_in_library = True

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha
        self.quantization_config = quantization_config

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "quantization_config": self.quantization_config,
            }
        )
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


class Activation(Layer):
    """Applies an activation function. Equivalent to `keras.layers.Activation`."""

    _check_in_library = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs while training, scaling the rest by
    `1 / (1 - rate)`. Equivalent to `keras.layers.Dropout`."""

    _check_in_library = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`: {rate}; expected [0, 1]")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config


class Embedding(Layer):
    """Looks up a learned `output_dim` vector for each integer index in `[0, input_dim)`.

    ```python
    layers.Embedding(10000, 64, mask_zero=True)
    ```
    Input `(batch, ...)` of integers, output `(batch, ..., output_dim)`. With `mask_zero`,
    index 0 is padding and masks the steps of the recurrent layers after it.
    Equivalent to `keras.layers.Embedding`."""

    _check_in_library = True

    _build_dtype = "int32"

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        kwargs.pop("input_length", None)  # Keras 2's argument, which Keras 3 ignores too
        super().__init__(**kwargs)
        if weights is not None:
            raise NotImplementedError(
                "plexus.layers.Embedding: `weights=` is not supported; call "
                "`layer.set_weights([matrix])` once the model is built"
            )
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha
        self.quantization_config = quantization_config

    def compute_mask(self, inputs, mask=None):
        """Where `inputs` is not 0 (a NumPy bool array) with `mask_zero`; None without.
        Equivalent to `keras.layers.Embedding.compute_mask`."""
        if not self.mask_zero:
            return None
        import numpy as np

        return np.asarray(inputs) != 0

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "quantization_config": self.quantization_config,
            }
        )
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)


class Masking(Layer):
    """Masks the time steps whose features all equal `mask_value` (the recurrent layers after
    it skip them). Equivalent to `keras.layers.Masking`."""

    _check_in_library = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
