"""Recurrent layers and wrappers: SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed
(keras/src/layers/rnn). The C library runs them; a layer's weights live under its cell
("lstm/lstm_cell/kernel"), as in Keras."""

from .. import activations, constraints, initializers, regularizers
from ..saving import get_uid, serialize_keras_object
from .base import Input, KerasTensor, Layer, Node, _flatten, _refuse_explicit_mask

__all__ = ["SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed"]

_OBJECTS = {"initializer": initializers, "regularizer": regularizers, "constraint": constraints}


def _module(name):
    return _OBJECTS[name.rsplit("_", 1)[1]]


class _StatefulCall:
    """Calls that take `initial_state` and may give several tensors (a recurrent layer with
    `return_state`; `Bidirectional` with it or without a merge mode), as Keras's."""

    def __call__(self, inputs, initial_state=None, training=None, mask=None):
        """The output, or a list of the outputs and (with `return_state`) the final states;
        `initial_state` (a tensor or a list, one per state) starts the states instead of
        zeros, as in Keras."""
        if mask is not None:
            _refuse_explicit_mask(self)
        if initial_state is None and not self._several_outputs():
            return super().__call__(inputs, training=training)
        flat = _flatten(inputs)
        states = [] if initial_state is None else _flatten(initial_state)
        if len(flat) != 1:
            raise ValueError(f"{type(self).__name__}: expected one input tensor, received "
                             f"{len(flat)}")  # fmt: skip
        if states and len(states) != self._state_total():
            raise ValueError(
                f"{type(self).__name__}: initial_state holds {len(states)} tensors; expected "
                f"{self._state_total()} (one per state)"
            )
        symbolic = [isinstance(t, KerasTensor) for t in flat + states]
        if any(symbolic):
            if not all(symbolic):
                raise TypeError(f"{type(self).__name__}: mix of symbolic and concrete inputs; "
                                "wrap constants in a plexus.Input")  # fmt: skip
            return self._call_with_states(flat[0], states)
        return self._call_eager_with_states(flat[0], states, training)

    def _call_with_states(self, x, states):
        """A graph node with the states after the input; outputs by Keras's tensor index."""
        index = len(self._inbound_nodes)
        outputs = self._output_specs(x)
        for position, tensor in enumerate(outputs):
            tensor._keras_history = (self, index, position)
            tensor.name = self.name
        several = self._several_outputs()
        node = Node(self, [x] + states, False, outputs if several else outputs[0])
        node.state_inputs = len(states)
        self._inbound_nodes.append(node)
        return outputs if several else outputs[0]

    def _call_eager_with_states(self, x, states, training=None):
        """Runs the layer on data with states through a private model (made per shape), in
        training mode when `training` is true."""
        from ..models.functional import Functional
        from ..tensor import convert_to_tensor

        tensors = [convert_to_tensor(t) for t in [x] + states]
        key = ("states",) + tuple((t.shape[1:], t.dtype) for t in tensors)
        model = self._eager_models.get(key)
        if model is None:
            inputs = [Input(shape=shape, dtype=dtype) for shape, dtype in key[1:]]
            outputs = self._call_with_states(inputs[0], inputs[1:])
            model = Functional(inputs, outputs, name=get_uid(f"{self.name}_eager"), _private=True)
            self._eager_models[key] = model
        results = model._run_on_batch(tensors, training)
        return results if self._several_outputs() else results[0]


class _RNN(_StatefulCall, Layer):
    """What SimpleRNN, LSTM and GRU share: the sequence flags of `keras.layers.RNN` and the
    cell's weights settings."""

    _check_in_library = True
    _nested_weights = True
    _activations = ("activation",)
    _objects = (
        "kernel_initializer", "recurrent_initializer", "bias_initializer",
        "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint",
    )  # fmt: skip
    _has_seed = True
    # The final states a call returns with return_state (LSTM: h and c).
    _state_count = 1

    def __init__(self, units, *, settings, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False,
                 activity_regularizer=None, **kwargs):  # fmt: skip
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(
                f"Received an invalid value for argument `units`, expected a positive integer, "
                f"got {units}."
            )
        self.units = units
        for name, value in settings.items():
            if name in self._objects:
                value = _module(name).get(value)
            setattr(self, name, value)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.seed = seed
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask

    def _cell_config(self):
        """The cell's part of the config, in Keras's order."""
        config = {"units": self.units}
        for name in self._activations:
            config[name] = activations.serialize(getattr(self, name))
        config["use_bias"] = self.use_bias
        for name in self._objects:
            config[name] = _module(name).serialize(getattr(self, name))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config.update({"dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout})
        return config

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
                **self._cell_config(),
            }
        )
        if self._has_seed:
            config["seed"] = self.seed
        return config

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.units)
        return (input_shape[0], self.units)

    def _several_outputs(self):
        return self.return_state

    def _state_total(self):
        return self._state_count

    def _output_specs(self, x):
        outputs = [self.compute_output_spec([x])]
        if self.return_state:
            outputs += [KerasTensor((x.shape[0], self.units)) for _ in range(self._state_count)]
        return outputs

class SimpleRNN(_RNN):
    """A fully connected recurrent layer: `h = activation(x @ kernel + h @ recurrent_kernel +
    bias)` at each step.

    ```python
    layers.SimpleRNN(32, return_sequences=True)
    ```
    Input `(batch, steps, features)`, output `(batch, units)` (or `(batch, steps, units)`
    with `return_sequences`). Equivalent to `keras.layers.SimpleRNN`."""

    _has_seed = False

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None,
                 **kwargs):  # fmt: skip
        settings = dict(
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
        )  # fmt: skip
        super().__init__(
            units, settings=settings, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            activity_regularizer=activity_regularizer, **kwargs,
        )  # fmt: skip


class LSTM(_RNN):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997): input, forget, cell and
    output gates over a carried state.

    ```python
    layers.LSTM(64)
    ```
    Input `(batch, steps, features)`, output `(batch, units)` (or `(batch, steps, units)`
    with `return_sequences`). Equivalent to `keras.layers.LSTM`."""

    _state_count = 2

    _activations = ("activation", "recurrent_activation")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):  # fmt: skip
        settings = dict(
            activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
        )  # fmt: skip
        super().__init__(
            units, settings=settings, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            activity_regularizer=activity_regularizer, **kwargs,
        )  # fmt: skip
        self.use_cudnn = use_cudnn  # not in Keras's config either

    def _cell_config(self):
        config = super()._cell_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class GRU(_RNN):
    """Gated recurrent unit (Cho et al., 2014): update and reset gates over the state;
    `reset_after=True` (Keras's default) applies the reset gate after the recurrent matmul.

    ```python
    layers.GRU(64, return_sequences=True)
    ```
    Input `(batch, steps, features)`, output `(batch, units)` (or `(batch, steps, units)`
    with `return_sequences`). Equivalent to `keras.layers.GRU`."""

    _activations = ("activation", "recurrent_activation")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):  # fmt: skip
        settings = dict(
            activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
        )  # fmt: skip
        super().__init__(
            units, settings=settings, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed, return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            activity_regularizer=activity_regularizer, **kwargs,
        )  # fmt: skip
        self.reset_after = reset_after
        self.use_cudnn = use_cudnn

    def _cell_config(self):
        config = super()._cell_config()
        config["reset_after"] = self.reset_after
        return config


def _copy(layer, name, **changes):
    """A new layer with `layer`'s config, renamed (Keras's serialize + deserialize)."""
    config = layer.get_config()
    config.update(changes, name=name)
    return type(layer).from_config(config)


def _removeprefix(text, prefix):
    return text[len(prefix):] if text.startswith(prefix) else text


def _deserialize(value):
    if isinstance(value, dict):
        from . import deserialize

        return deserialize(value)
    return value


class Bidirectional(_StatefulCall, Layer):
    """Runs a recurrent layer forwards (a copy named "forward_<name>") and backwards (a copy
    with `go_backwards` flipped, "backward_<name>", unless `backward_layer` is given) and
    merges the two outputs by `merge_mode` ("concat", "sum", "mul" or "ave").

    ```python
    layers.Bidirectional(layers.LSTM(32, return_sequences=True))
    ```
    Equivalent to `keras.layers.Bidirectional`."""

    _check_in_library = True

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        layer = _deserialize(layer)
        backward_layer = _deserialize(backward_layer)
        if not isinstance(layer, _RNN):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a recurrent layer (SimpleRNN, "
                f"LSTM, GRU). Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, _RNN):
            raise ValueError(
                f"`backward_layer` needs to be a recurrent layer. Received: {backward_layer}"
            )
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        if weights is not None:
            raise NotImplementedError(
                "plexus.layers.Bidirectional: `weights=` is not supported; call "
                "`layer.set_weights(...)` once the model is built"
            )
        super().__init__(**kwargs)
        self.forward_layer = _copy(
            layer, f"forward_{_removeprefix(layer.name, 'forward_')}"
        )
        if backward_layer is None:
            backward_layer = _copy(
                layer, f"backward_{_removeprefix(layer.name, 'backward_')}", go_backwards=True
            )
        self.backward_layer = backward_layer
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {self.forward_layer.go_backwards}, "
                f"backward_layer.go_backwards={self.backward_layer.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            forward = getattr(self.forward_layer, attribute)
            backward = getattr(self.backward_layer, attribute)
            if forward != backward:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{attribute}", got "{forward}" for forward layer and '
                    f'"{backward}" for backward layer'
                )
        for inner in (self.forward_layer, self.backward_layer):
            inner.zero_output_for_mask = inner.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    def _inner_layers(self):
        return [self.forward_layer, self.backward_layer]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer),
            }
        )
        return config

    def compute_output_shape(self, input_shape):
        forward = self.forward_layer.compute_output_shape(input_shape)
        backward = self.backward_layer.compute_output_shape(input_shape)
        if self.merge_mode == "concat":
            last = None if None in (forward[-1], backward[-1]) else forward[-1] + backward[-1]
            return (*forward[:-1], last)
        return forward

    def _several_outputs(self):
        return self.return_state or self.merge_mode is None

    def _state_total(self):
        return self.forward_layer._state_count + self.backward_layer._state_count

    def _output_specs(self, x):
        """The merged output (or both directions' with no merge mode), then with
        `return_state` the forward layer's final states and the backward layer's."""
        if self.merge_mode is None:
            outputs = [self.forward_layer.compute_output_spec([x]),
                       self.backward_layer.compute_output_spec([x])]  # fmt: skip
        else:
            outputs = [self.compute_output_spec([x])]
        if self.return_state:
            for inner in (self.forward_layer, self.backward_layer):
                outputs += [KerasTensor((x.shape[0], inner.units))
                            for _ in range(inner._state_count)]  # fmt: skip
        return outputs


class TimeDistributed(Layer):
    """Applies `layer` to every time step of a `(batch, steps, ...)` input.

    ```python
    layers.TimeDistributed(layers.Dense(8))  # (batch, 10, 16) -> (batch, 10, 8)
    ```
    Equivalent to `keras.layers.TimeDistributed`."""

    _check_in_library = True

    def __init__(self, layer, **kwargs):
        layer = _deserialize(layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `plexus.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer

    def _inner_layers(self):
        return [self.layer]

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0], *input_shape[2:]))
        return (input_shape[0], input_shape[1], *inner[1:])
