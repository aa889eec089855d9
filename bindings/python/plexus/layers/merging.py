"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot
(keras/src/layers/merging)."""

from .base import Layer


class _Merge(Layer):
    """An element-wise merge of a list of tensors of one shape."""

    _check_in_library = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


class Add(_Merge):
    """The sum of its inputs (a list of tensors of one shape). Equivalent to
    `keras.layers.Add`."""


class Subtract(_Merge):
    """`inputs[0] - inputs[1]` (exactly two inputs). Equivalent to `keras.layers.Subtract`."""


class Multiply(_Merge):
    """The element-wise product of its inputs. Equivalent to `keras.layers.Multiply`."""


class Average(_Merge):
    """The element-wise mean of its inputs. Equivalent to `keras.layers.Average`."""


class Maximum(_Merge):
    """The element-wise maximum of its inputs. Equivalent to `keras.layers.Maximum`."""


class Minimum(_Merge):
    """The element-wise minimum of its inputs. Equivalent to `keras.layers.Minimum`."""


class Concatenate(Layer):
    """Its inputs joined along `axis`. Equivalent to `keras.layers.Concatenate`."""

    _check_in_library = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config

    def compute_output_shape(self, input_shape):
        shapes = [list(s) for s in input_shape]
        result = list(shapes[0])
        axis = self.axis % len(result)
        sizes = [s[axis] for s in shapes]
        result[axis] = None if None in sizes else sum(sizes)
        return tuple(result)


class Dot(Layer):
    """The dot product of two inputs along `axes` (an int, or one axis per input; the batch
    axis is 0); `normalize=True` L2-normalizes both first, giving cosine similarities.

    ```python
    layers.Dot(axes=1)([a, b])  # (batch, n), (batch, n) -> (batch, 1)
    ```
    Equivalent to `keras.layers.Dot`."""

    _check_in_library = True

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            axes = list(axes)
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    f"Invalid format for argument `axes`: an int or 2 ints; received {axes!r}"
                )
        self.axes = axes
        self.normalize = normalize

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config

    def compute_output_shape(self, input_shape):
        first, second = (list(s) for s in input_shape)
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        axes = [axes[0] % len(first), axes[1] % len(second)]
        del first[axes[0]]
        del second[axes[1]]
        shape = first + second[1:]
        if len(shape) == 1:
            shape += [1]
        return tuple(shape)
