"""Pooling layers (keras/src/layers/pooling): max and average over windows, and global
pooling over every spatial axis. Channels-last."""

from ._shapes import conv_length, data_format, standardize_tuple
from .base import Layer


class _Pooling(Layer):
    _rank = 2
    _check_in_library = True

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):  # fmt: skip
        super().__init__(name=name, **kwargs)
        self.pool_size = standardize_tuple(pool_size, self._rank, "pool_size")
        self.strides = (
            self.pool_size if strides is None else standardize_tuple(strides, self._rank, "strides")
        )
        self.padding = str(padding).lower()
        self.data_format = data_format_(data_format)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pool_size": list(self.pool_size),
                "padding": self.padding,
                "strides": list(self.strides),
                "data_format": self.data_format,
            }
        )
        return config

    def compute_output_shape(self, input_shape):
        spatial = [
            conv_length(length, size, self.padding, stride)
            for length, size, stride in zip(input_shape[1:-1], self.pool_size, self.strides)
        ]
        return (input_shape[0], *spatial, input_shape[-1])


class MaxPooling1D(_Pooling):
    """The largest value of each window of `pool_size` steps.
    Equivalent to `keras.layers.MaxPooling1D`."""

    _rank = 1

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):  # fmt: skip
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling1D(MaxPooling1D):
    """The mean of each window. Equivalent to `keras.layers.AveragePooling1D`."""


class MaxPooling2D(_Pooling):
    """The largest value of each `pool_size` window. Equivalent to `keras.layers.MaxPooling2D`."""

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):  # fmt: skip
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling2D(MaxPooling2D):
    """The mean of each window. Equivalent to `keras.layers.AveragePooling2D`."""


class MaxPooling3D(_Pooling):
    """The largest value of each `pool_size` window of a volume `(batch, depth, height, width,
    channels)`. Equivalent to `keras.layers.MaxPooling3D`."""

    _rank = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):  # fmt: skip
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling3D(MaxPooling3D):
    """The mean of each window of a volume ("same" padding cells are not counted).
    Equivalent to `keras.layers.AveragePooling3D`."""


class _GlobalPooling(Layer):
    _check_in_library = True

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_(data_format)
        self.keepdims = keepdims

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0], *([1] * (len(input_shape) - 2)), input_shape[-1])
        return (input_shape[0], input_shape[-1])


class GlobalMaxPooling1D(_GlobalPooling):
    """The largest value over the steps. Equivalent to `keras.layers.GlobalMaxPooling1D`."""


class GlobalMaxPooling2D(_GlobalPooling):
    """The largest value over height and width. Equivalent to `keras.layers.GlobalMaxPooling2D`."""


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps. Equivalent to `keras.layers.GlobalAveragePooling1D`."""


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width. Equivalent to `keras.layers.GlobalAveragePooling2D`."""


class GlobalMaxPooling3D(_GlobalPooling):
    """The largest value over depth, height and width.
    Equivalent to `keras.layers.GlobalMaxPooling3D`."""


class GlobalAveragePooling3D(_GlobalPooling):
    """The mean over depth, height and width.
    Equivalent to `keras.layers.GlobalAveragePooling3D`."""


data_format_ = data_format
