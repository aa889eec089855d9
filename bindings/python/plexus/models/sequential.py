"""Sequential models: a stack of layers, each feeding the next, written as Keras's
Sequential config."""

import ctypes
import json

from .._lib import check, lib
from ..layers.base import InputLayer, KerasTensor, Layer, dtype_policy
from ..saving import keras_object
from .model import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """A stack of layers.

    ```python
    model = plexus.Sequential([
        plexus.Input(shape=(28, 28)),
        plexus.layers.Flatten(),
        plexus.layers.Dense(128, activation="relu"),
        plexus.layers.Dense(10),
    ])
    ```
    Without an Input, the model is built on its first `fit` / `predict` from the data's
    shape. Equivalent to `keras.Sequential`."""

    def __init__(self, layers=None, trainable=True, name=None):
        self._setup(name=name, trainable=trainable)
        self._layers = []
        self._input_layer = None
        # Each layer's output in the graph of symbolic calls from the input (as Keras's
        # Sequential builds it once its input is known), so that `layer.input`/`layer.output`
        # work and a feature extractor can be cut from the model; empty while the input is not
        # known, None from a layer that cannot be called symbolically on.
        self._graph_outputs = []
        for layer in layers or []:
            self.add(layer)

    def add(self, layer, rebuild=True):
        """Appends a layer (or sets the input, for a plexus.Input or InputLayer).
        Equivalent to `keras.Sequential.add`."""
        if isinstance(layer, KerasTensor):
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(
                    "Sequential.add: an Input can only come first (the model already has "
                    f"{'layers' if self._layers else 'an input'})"
                )
            if self._handle is not None:
                raise ValueError("Sequential.add: the model is built; its input is fixed")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add: expected a layer, received {type(layer).__name__}: {layer!r}"
            )
        if not self._layers and self._input_layer is None and layer._input_batch_shape:
            batch_shape = layer._input_batch_shape
            self._input_layer = InputLayer(batch_shape=batch_shape)
        if self._handle is not None:
            self._add_to_library(layer)
            layer._owner = self
        self._layers.append(layer)
        layer._contained_in(self)
        self._extend_graph(layer)

    def _extend_graph(self, layer):
        """Calls `layer` on the graph's last output, as Keras's Sequential does once its input
        is known."""
        if self._input_layer is None:
            return
        last = self._graph_output
        output = None
        if last is not None:
            try:
                output = layer(last)
            except Exception:  # noqa: BLE001 - the C library checks the model when it makes it
                output = None
        self._graph_outputs.append(output if isinstance(output, KerasTensor) else None)

    @property
    def _graph_output(self):
        if self._graph_outputs:
            return self._graph_outputs[-1]
        return self._input_layer.output if self._input_layer is not None else None

    def _add_to_library(self, layer):
        if isinstance(layer, Model):
            raise NotImplementedError(
                "Sequential.add: a model cannot be added after the Sequential is built"
            )
        handle = ctypes.c_void_p()
        text = json.dumps(layer.get_config()).encode("utf-8")
        check(lib().px_layer_create(type(layer).__name__.encode(), text, ctypes.byref(handle)))
        try:
            check(lib().px_model_add(self._handle, handle))
        finally:
            lib().px_layer_release(handle)

    def pop(self, rebuild=True):
        """Removes the last layer and returns it. The other layers, and the removed one, keep
        their weights; a compiled model is compiled again with the same arguments. Unlike
        Keras's, which keeps its optimizer, that optimizer starts afresh (its step count and
        moments), and popping the only layer leaves the model uncompiled. Equivalent to
        `keras.Sequential.pop` (the graph is always rebuilt, whatever `rebuild` says)."""
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        if self._running:
            raise RuntimeError("Sequential.pop: the model is training or predicting")
        layer = self._layers.pop()
        layer._containers = [ref for ref in layer._containers if ref() is not self]
        if len(self._graph_outputs) > len(self._layers):
            self._graph_outputs.pop()
        if self._handle is not None:
            # The library model made before the pop keeps holding every layer's weights (the
            # removed layer reads its own there); the model is made again around them.
            retired = Sequential.__new__(Sequential)
            retired._setup(name=self.name)
            retired._private = True
            retired._layers = self._layers + [layer]
            retired._input_layer, retired._graph_outputs = self._input_layer, []
            retired._handle, self._handle = self._handle, None
            for kept in retired._layers:
                kept._owner = retired
            if self.compiled and self._layers:
                self.compile(**self._compile_arguments)
            elif self.compiled:
                self.compiled = False  # no layer left to compile; compile after the next add
        return layer

    # -- structure --------------------------------------------------------------------------

    @property
    def layers(self):
        """The layers, without the input (as Keras 3 lists them)."""
        return list(self._layers)

    @property
    def inputs(self):
        return [self._input_layer.output] if self._input_layer is not None else None

    @property
    def outputs(self):
        if self._input_layer is None:
            return None
        if self._layers and self._graph_output is not None:
            return [self._graph_output]
        shape = self._input_layer.batch_shape
        for layer in self._layers:
            try:
                shape = layer.compute_output_shape(shape)
            except Exception:  # noqa: BLE001 - the C library has the final word
                return [KerasTensor((None,))]
        return [KerasTensor(shape)]

    @property
    def input_shape(self):
        return self._input_layer.batch_shape if self._input_layer is not None else None

    @property
    def input_names(self):
        return [self._input_layer.name if self._input_layer is not None else "input_layer"]

    @property
    def output_names(self):
        return [self._layers[-1].name if self._layers else "output"]

    def _has_known_input(self):
        return self._input_layer is not None

    def build(self, input_shape=None):
        """Creates the weights for inputs of `input_shape` (with the batch axis, None for any
        size) and, as Keras's does, gives the model that input: `inputs`, `outputs` and each
        layer's `input` / `output` exist from then on."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    "Sequential.build: the model has no input; pass `input_shape` (with the "
                    "batch axis), or start the model with a plexus.Input"
                )
            input_shape = self._input_layer.batch_shape
        super().build(input_shape)
        if self._input_layer is None:
            self._input_layer = InputLayer(batch_shape=tuple(input_shape))
            for layer in self._layers:
                self._extend_graph(layer)

    # -- config -----------------------------------------------------------------------------

    def get_config(self):
        """Keras's Sequential config."""
        layers = [layer.serialize() for layer in self._layers]
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policy(None)}
        if self._input_layer is not None:
            layers.insert(0, self._input_layer.serialize())
            config["build_input_shape"] = list(self._input_layer.batch_shape)
        config["layers"] = layers
        return config

    def serialize(self):
        result = keras_object("keras", "Sequential", self.get_config())
        if self._input_layer is not None:
            result["build_config"] = {"input_shape": list(self._input_layer.batch_shape)}
        return result
