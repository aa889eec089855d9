"""Convolutions: Conv1D, Conv2D, Conv1DTranspose, Conv2DTranspose, DepthwiseConv2D,
SeparableConv2D
(keras/src/layers/convolutional). Channels-last: inputs `(batch, [height,] width, channels)`."""

from .. import activations, constraints, initializers, regularizers
from ._shapes import conv_length, data_format, deconv_length, standardize_tuple
from .base import Layer


class _Conv(Layer):
    """Keras's BaseConv: the settings and the config every convolution shares."""

    _rank = 2
    _check_in_library = True
    _kernel_names = ("kernel",)

    def __init__(
        self,
        kernel_size,
        strides,
        padding,
        data_format,
        dilation_rate,
        activation,
        use_bias,
        bias_initializer,
        bias_regularizer,
        activity_regularizer,
        bias_constraint,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_size = standardize_tuple(kernel_size, self._rank, "kernel_size")
        self.strides = standardize_tuple(strides, self._rank, "strides")
        self.padding = str(padding).lower()
        self.data_format = data_format_(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, self._rank, "dilation_rate")
        self.activation = activation
        self.use_bias = use_bias
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)

    def _set_kernel(self, prefix, initializer, regularizer, constraint):
        setattr(self, f"{prefix}_initializer", initializers.get(initializer))
        setattr(self, f"{prefix}_regularizer", regularizers.get(regularizer))
        setattr(self, f"{prefix}_constraint", constraints.get(constraint))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "kernel_size": list(self.kernel_size),
                "strides": list(self.strides),
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate),
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        for prefix in self._kernel_names:
            config[f"{prefix}_initializer"] = initializers.serialize(
                getattr(self, f"{prefix}_initializer")
            )
            config[f"{prefix}_regularizer"] = regularizers.serialize(
                getattr(self, f"{prefix}_regularizer")
            )
            config[f"{prefix}_constraint"] = constraints.serialize(
                getattr(self, f"{prefix}_constraint")
            )
        return config

    def _output_channels(self, channels):
        return self.filters

    def compute_output_shape(self, input_shape):
        spatial = [
            conv_length(length, kernel, self.padding, stride, dilation)
            for length, kernel, stride, dilation in zip(
                input_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate
            )
        ]
        return (input_shape[0], *spatial, self._output_channels(input_shape[-1]))


class _BaseConv(_Conv):
    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
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
        **kwargs,
    ):
        super().__init__(
            kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs,
        )
        self.filters = int(filters)
        self.groups = groups
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha
        self._set_kernel("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "groups": self.groups})
        if self.lora_rank:
            config.update({"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha})
        return config


class Conv1D(_BaseConv):
    """1-D convolution over `(batch, steps, channels)`; padding "valid", "same" or "causal".
    Equivalent to `keras.layers.Conv1D`."""

    _rank = 1


class Conv2D(_BaseConv):
    """2-D convolution over `(batch, height, width, channels)`.

    ```python
    layers.Conv2D(32, 3, activation="relu")
    ```
    Equivalent to `keras.layers.Conv2D`."""

    _rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


class Conv3D(_BaseConv):
    """3-D convolution over volumes `(batch, depth, height, width, channels)`.

    ```python
    layers.Conv3D(8, 3, activation="relu")
    ```
    Equivalent to `keras.layers.Conv3D`."""

    _rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution (the gradient of Conv2D; upsamples by `strides`).
    Equivalent to `keras.layers.Conv2DTranspose`."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(
            kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs,
        )
        self.filters = int(filters)
        self.output_padding = (
            None if output_padding is None
            else standardize_tuple(output_padding, self._rank, "output_padding")
        )
        self._set_kernel("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)

    def get_config(self):
        config = super().get_config()
        config["filters"] = self.filters
        padding = self.output_padding
        config["output_padding"] = None if padding is None else list(padding)
        return config

    def compute_output_shape(self, input_shape):
        output_padding = self.output_padding or (None,) * self._rank
        spatial = [
            deconv_length(length, kernel, self.padding, extra, stride, dilation)
            for length, kernel, extra, stride, dilation in zip(
                input_shape[1:1 + self._rank], self.kernel_size, output_padding, self.strides,
                self.dilation_rate,
            )
        ]
        return (input_shape[0], *spatial, self.filters)


class Conv1DTranspose(Conv2DTranspose):
    """Transposed 1-D convolution (the gradient of Conv1D; upsamples sequences by `strides`).
    Conv2DTranspose's arguments and config along one axis. Equivalent to
    `keras.layers.Conv1DTranspose`."""

    _rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, **kwargs):  # fmt: skip
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)  # fmt: skip


class Conv3DTranspose(Conv2DTranspose):
    """Transposed 3-D convolution (the gradient of Conv3D; upsamples volumes by `strides`).
    Conv2DTranspose's arguments and config along three axes. Equivalent to
    `keras.layers.Conv3DTranspose`."""

    _rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1),
                 **kwargs):  # fmt: skip
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)  # fmt: skip


class DepthwiseConv2D(_Conv):
    """One 2-D filter (times `depth_multiplier`) per input channel.
    Equivalent to `keras.layers.DepthwiseConv2D`."""

    _kernel_names = ("depthwise",)

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(
            kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs,
        )
        self.depth_multiplier = depth_multiplier
        self._set_kernel(
            "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )

    def get_config(self):
        config = super().get_config()
        config["depth_multiplier"] = self.depth_multiplier
        return config

    def _output_channels(self, channels):
        return None if channels is None else channels * self.depth_multiplier


class SeparableConv2D(_Conv):
    """A depthwise convolution followed by a 1x1 pointwise one.
    Equivalent to `keras.layers.SeparableConv2D`."""

    _kernel_names = ("depthwise", "pointwise")

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):  # fmt: skip
        super().__init__(
            kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint, **kwargs,
        )
        self.filters = int(filters)
        self.depth_multiplier = depth_multiplier
        self._set_kernel(
            "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        self._set_kernel(
            "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint
        )

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "depth_multiplier": self.depth_multiplier})
        return config


data_format_ = data_format
