"""Preprocessing layers: Rescaling, Normalization, CategoryEncoding, Discretization
(keras/src/layers/preprocessing)."""

import numpy as np

from .base import Layer

__all__ = ["Rescaling", "Normalization", "CategoryEncoding", "Discretization"]


class Rescaling(Layer):
    """`inputs * scale + offset`, e.g. `Rescaling(1 / 255)` for pixel values.
    Equivalent to `keras.layers.Rescaling`."""

    _check_in_library = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


class Normalization(Layer):
    """`(inputs - mean) / sqrt(variance)` per feature of `axis` (the last by default), from
    the `mean` and `variance` given; `invert=True` undoes it.

    ```python
    layers.Normalization(mean=x.mean(axis=0), variance=x.var(axis=0))
    ```
    Or learned from an array: `norm = layers.Normalization(); norm.adapt(x)`.
    Equivalent to `keras.layers.Normalization`."""

    _check_in_library = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        self.axis = tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        # The statistics in use: the given ones, or what `adapt` learned (None before).
        self.mean = None if mean is None else np.asarray(mean, np.float32)
        self.variance = None if variance is None else np.asarray(variance, np.float32)

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the mean and (biased) variance of `data` over every axis but the kept ones,
        in float64 as Keras's does, into the layer's `mean` and `variance` weights (Keras's
        non-trainable weights of an adapted layer): at once when a model already holds the
        layer, else when the first model holding it is made. `layer.mean` and
        `layer.variance` show them. Adapting again replaces them. Equivalent to
        `keras.layers.Normalization.adapt(data)` on an array."""
        if batch_size is not None or steps is not None:
            raise NotImplementedError(
                "plexus.layers.Normalization.adapt: batch_size and steps are for datasets; "
                "pass the whole array"
            )
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization {self.name}: adapt learns statistics; this layer was given them"
            )
        values = np.asarray(data, dtype=np.float64)
        if values.size == 0:
            raise ValueError(f"Normalization {self.name}: adapt needs data, received shape "
                             f"{values.shape}")  # fmt: skip
        rank = values.ndim
        if any(not -rank <= a < rank for a in self.axis):
            raise ValueError(
                f"Normalization {self.name}: axis {self.axis} out of range for data of shape "
                f"{values.shape}"
            )
        kept = sorted({a % rank for a in self.axis}) if rank else []
        reduced = tuple(a for a in range(rank) if a not in kept)
        self.mean = values.mean(axis=reduced).astype(np.float32)
        self.variance = values.var(axis=reduced).astype(np.float32)
        # Built from the data's shape, as Keras's adapt builds the layer: the weights then exist
        # as soon as a model holding the layer is made, even one without a declared input.
        self._adapted_shape = (None, *values.shape[1:])
        if not self._write_statistics():
            self._pending_statistics = True

    def _write_statistics(self, model=None):
        """Writes the adapted statistics into the `mean` and `variance` weights of the library
        model holding the layer (`model`, or the one its weights live in); False when no
        model holds them yet."""
        if model is None:
            holder = self._library_holder()
            variables = self.weights if holder is not None else []
        else:
            from ..variables import Variable

            variables = [Variable(model, path) for path in model._weight_paths()
                         if path.split("/")[-2:-1] == [self.name]]  # fmt: skip
        by_name = {v.path.rsplit("/", 1)[-1]: v for v in variables}
        if "mean" not in by_name or "variance" not in by_name:
            return False
        by_name["mean"].assign(self.mean.reshape(by_name["mean"].shape))
        by_name["variance"].assign(self.variance.reshape(by_name["variance"].shape))
        self.__dict__.pop("_pending_statistics", None)
        return True

    def _library_model_made(self, model):
        if self.__dict__.get("_pending_statistics"):
            self._write_statistics(model)

    def serialize(self):
        result = super().serialize()
        shape = self.__dict__.get("_adapted_shape")
        if shape is not None:
            result["build_config"] = {"input_shape": list(shape)}
        return result

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": list(self.axis),
                "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist(),
            }
        )
        return config


class CategoryEncoding(Layer):
    """Integer ids as vectors of `num_tokens`: "multi_hot" (the default; "binary" is its
    alias), "one_hot" or "count". Ids outside `[0, num_tokens)` encode as zeros, as Keras 3's
    do. Equivalent to `keras.layers.CategoryEncoding`."""

    _check_in_library = True

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise NotImplementedError("CategoryEncoding: Plexus has no sparse tensors")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    # The ids are integers.
    _build_dtype = "int32"

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if not shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot":
            kept = shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape
            return (*kept, self.num_tokens)
        # multi_hot and count reduce axis 1 (axis 0 of a rank-1 input), as Keras computes it.
        return (*shape[:1], *shape[2:], self.num_tokens) if len(shape) > 1 else (
            self.num_tokens,)


class Discretization(Layer):
    """Buckets values by ranges: `bin_boundaries=[0., 1., 2.]` makes the bins (-inf, 0),
    [0, 1), [1, 2) and [2, inf), numbered 0 to 3; or `num_bins` bins of about equal counts
    learned by `adapt`. "int" (the default) outputs int32 bins; "one_hot", "multi_hot" and
    "count" encode them as CategoryEncoding does. Equivalent to
    `keras.layers.Discretization`."""

    _check_in_library = True

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                f"Unknown arg for output_mode: {output_mode}. Allowed values are int, "
                "one_hot, multi_hot, count"
            )
        if sparse:
            raise NotImplementedError("Discretization: Plexus has no sparse tensors")
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # An adapted layer's config holds both, as Keras writes it.
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = [float(b) for b in boundaries]
            return layer
        return cls(**config)

    def adapt(self, data, steps=None):
        """Learns `num_bins` bins from `data` (an array, or an iterable of batches) with
        Keras's quantile summary and `epsilon`, so that it learns Keras's boundaries. Adapting
        again replaces them. Equivalent to `keras.layers.Discretization.adapt`."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        if self._owner is not None and self._owner._handle is not None:
            # The boundaries are config, which the library read when it made that model.
            raise ValueError(
                f"Discretization {self.name}: adapt before making a model with the layer; "
                "the model in use keeps the boundaries it was made with"
            )
        if isinstance(data, np.ndarray) or np.isscalar(data) or hasattr(data, "__array__"):
            batches = [data]
        else:
            batches = data
        summary = np.zeros((2, 0), np.float32)
        for index, batch in enumerate(batches):
            if steps is not None and index >= steps:
                break
            values = np.asarray(batch, dtype=np.float32).reshape(-1)
            if not np.all(np.isfinite(values)):
                raise ValueError(
                    f"Discretization {self.name}: the data holds NaN or infinity, which have "
                    "no quantile"
                )
            summary = _merge_summaries(_summarize(values, self.epsilon), summary, self.epsilon)
        if summary.shape[1] == 0:
            raise ValueError(f"Discretization {self.name}: adapt needs data, received none")
        compressed = _compress_summary(summary, 1.0 / self.num_bins)
        self.bin_boundaries = [float(b) for b in compressed[0, :-1]]
        # Calls on the layer alone use library models made from its config: made anew.
        self._eager_models.clear()

    def get_config(self):
        config = super().get_config()
        # Keras's Discretization neither writes nor accepts `trainable`, and writes the
        # variable dtype as a string.
        config.pop("trainable", None)
        policy = config["dtype"]["config"]["name"]
        config["dtype"] = "float32" if policy.startswith("mixed_") else policy
        config.update(
            {
                "bin_boundaries": self.bin_boundaries,
                "num_bins": self.num_bins,
                "epsilon": self.epsilon,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
            }
        )
        return config

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization {self.name}: call adapt() or pass bin_boundaries first"
            )
        depth = len(self.bin_boundaries) + 1
        if not shape:
            return (depth,)
        if self.output_mode == "one_hot":
            kept = shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape
            return (*kept, depth)
        return (*shape[:1], *shape[2:], depth) if len(shape) > 1 else (depth,)


# Keras's quantile summary (keras/src/layers/preprocessing/discretization.py), in its own
# arithmetic: values and weights in float32, running weights summed in float32, interpolation
# in float64. A summary is a (2, n) array: values ascending, then their weights.


def _summarize(values, epsilon):
    values = np.sort(values)
    step = max(values.size / (1.0 / epsilon), 1)
    picked = values[int(step - 1) :: int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def _merge_summaries(first, second, epsilon):
    merged = np.concatenate((first, second), axis=1)
    merged = merged[:, np.argsort(merged[0], kind="stable")]
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    running = np.cumsum(summary[1], dtype=np.float32)
    fractions = running / running[-1]
    values = np.interp(percents, fractions, summary[0])
    cumulative = np.interp(percents, fractions, running)
    weights = cumulative - np.concatenate(([0.0], cumulative[:-1]))
    return np.stack((values, weights)).astype(np.float32)
