"""Functional models: a graph of layer calls traced from the outputs back to the inputs, and
written as Keras 3's Functional config (layers with their `inbound_nodes`, `input_layers`,
`output_layers`), which the C library rebuilds the graph from."""

from ..layers.base import InputLayer, KerasTensor
from ..saving import keras_object
from .model import Model, restructure

__all__ = ["Functional"]


def _structure(value, what):
    if isinstance(value, dict):
        return list(value.values()), list(value.keys())
    if isinstance(value, (list, tuple)):
        return list(value), None
    return [value], None


class Functional(Model):
    """A model made by `plexus.Model(inputs, outputs)`. Equivalent to Keras's Functional."""

    def __init__(self, inputs, outputs, name=None, trainable=True, _private=False):
        self._setup(name=name, trainable=trainable)
        self._private = _private
        self.inputs, self._input_keys = _structure(inputs, "inputs")
        self.outputs, self._output_keys = _structure(outputs, "outputs")
        for tensor in self.inputs + self.outputs:
            if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
                raise ValueError(
                    f"plexus.Model: inputs and outputs must be symbolic tensors made from "
                    f"plexus.Input and layer calls; received {tensor!r}"
                )
        for tensor in self.inputs:
            if not isinstance(tensor._keras_history[0], InputLayer):
                raise ValueError(
                    f"plexus.Model: every input must come from plexus.Input; {tensor!r} is the "
                    f"output of layer {tensor._keras_history[0].name}"
                )
        self._trace()
        if not _private:
            for layer in self._own_layers():
                layer._contained_in(self)

    @property
    def input(self):
        """The model's inputs as it was given them: one tensor, a list, or a dict by name."""
        return restructure(self.inputs, self._input_keys)

    @property
    def output(self):
        """The model's outputs as it was given them: one tensor, a list, or a dict by name."""
        return restructure(self.outputs, self._output_keys)

    @property
    def input_shape(self):
        """The inputs' shapes (None for the batch): one tuple, or a list of them."""
        shapes = [tuple(t.shape) for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        """The outputs' shapes (None for the batch): one tuple, or a list of them."""
        shapes = [tuple(t.shape) for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _trace(self):
        """Finds every node between the inputs and the outputs, in an order where each node
        comes after the nodes it reads."""
        order, seen = [], set()
        input_layers = {id(t._keras_history[0]) for t in self.inputs}

        def visit(tensor, path):
            layer, index, _ = tensor._keras_history
            key = (id(layer), index)
            if key in seen:
                return
            if key in path:
                raise ValueError("plexus.Model: the graph has a cycle")
            node = layer._inbound_nodes[index]
            if isinstance(layer, InputLayer):
                if id(layer) not in input_layers:
                    raise ValueError(
                        f"Graph disconnected: cannot find the value of {tensor!r}: input "
                        f"{layer.name} is not among the model's inputs"
                    )
            for parent in node.inputs:
                visit(parent, path | {key})
            seen.add(key)
            order.append(node)

        for tensor in self.outputs:
            visit(tensor, frozenset())
        for tensor in self.inputs:
            visit(tensor, frozenset())
        self._nodes = order
        layers, numbering = [], {}
        for tensor in self.inputs:
            layers.append(tensor._keras_history[0])
        for node in order:
            if node.layer not in layers:
                layers.append(node.layer)
        for layer in layers:
            indices = sorted(
                i for i, node in enumerate(layer._inbound_nodes) if (id(layer), i) in seen
            )
            for new, old in enumerate(indices):
                numbering[(id(layer), old)] = new
        names = [layer.name for layer in layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"The name {duplicates[0]!r} is used {names.count(duplicates[0])} times in the "
                "model. All operation names should be unique."
            )
        self._layers = layers
        self._numbering = numbering

    # -- structure --------------------------------------------------------------------------

    @property
    def layers(self):
        """Every layer of the graph, the InputLayers first (as Keras 3 lists them)."""
        return list(self._layers)

    @property
    def input_names(self):
        return self._input_keys or [t._keras_history[0].name for t in self.inputs]

    @property
    def output_names(self):
        return self._output_keys or [t._keras_history[0].name for t in self.outputs]

    def _has_known_input(self):
        return True

    # -- config -----------------------------------------------------------------------------

    def _history(self, tensor):
        layer, index, position = tensor._keras_history
        return [layer.name, self._numbering[(id(layer), index)], position]

    def _tensor_config(self, tensor):
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": list(tensor.shape),
                "dtype": tensor.dtype,
                "keras_history": self._history(tensor),
            },
        }

    def _node_config(self, node):
        arguments = [self._tensor_config(t) for t in node.inputs]
        if getattr(node, "state_inputs", 0):
            # A recurrent layer's `initial_state`, as Keras records it.
            return {"args": [arguments[0]], "kwargs": {"initial_state": arguments[1:]}}
        layout = getattr(node, "call_arguments", None)
        if layout is not None:
            # A layer taking its tensors as separate arguments (MultiHeadAttention): some by
            # position, then some by name, then the call's options, as Keras writes the node.
            positional, named, options = layout
            kwargs = dict(zip(named, arguments[positional:]))
            kwargs.update(options)
            return {"args": arguments[:positional], "kwargs": kwargs}
        # A list call's options beside the list (Attention's use_causal_mask), as Keras's.
        options = dict(getattr(node, "options", None) or {})
        return {"args": [arguments if node.is_list else arguments[0]], "kwargs": options}

    def get_config(self):
        """Keras's Functional config."""
        layers = []
        for layer in self._layers:
            entry = dict(layer.serialize())
            entry["name"] = layer.name
            nodes = sorted(
                (self._numbering[(id(layer), i)], node)
                for i, node in enumerate(layer._inbound_nodes)
                if (id(layer), i) in self._numbering and not isinstance(layer, InputLayer)
            )
            entry["inbound_nodes"] = [self._node_config(node) for _, node in nodes]
            layers.append(entry)

        def ends(tensors):
            entries = [self._history(t) for t in tensors]
            return entries[0] if len(entries) == 1 else entries

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layers,
            "input_layers": ends(self.inputs),
            "output_layers": ends(self.outputs),
        }

    def serialize(self):
        result = keras_object(
            "keras.src.models.functional", "Functional", self.get_config(), "Functional"
        )
        result["build_config"] = {"input_shape": None}
        return result
