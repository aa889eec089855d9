"""`plexus.Model`: a model the C library holds (a px_model handle), made from the Keras JSON
the Python side writes. `Model(inputs, outputs)` makes a Functional model, `Sequential([...])`
a Sequential one; both train, evaluate and predict through the C library (see training.py).

The C model is created on first need (compile, fit, weights, summary, ...) from
`model.to_json()`'s format; from then on the model's layers read and write their weights
through it."""

import ctypes
import json
import os

import numpy as np

from .._lib import check, lib, read_string
from ..errors import InvalidArgumentError
from ..layers.base import KerasTensor, Layer
from ..saving import keras_object
from ..tensor import Tensor, create_copy
from ..variables import Variable
from . import _data
from .training import Trainer

__all__ = ["Model"]


class Model(Trainer, Layer):
    """A model: `Model(inputs, outputs, name=None)` for a Functional graph of layers called on
    `plexus.Input`s (several inputs and outputs allowed).

    ```python
    inputs = plexus.Input(shape=(784,))
    x = plexus.layers.Dense(128, activation="relu")(inputs)
    outputs = plexus.layers.Dense(10)(x)
    model = plexus.Model(inputs, outputs)
    ```
    Equivalent to `keras.Model` (subclassed models with a Python `call` are not available:
    the C library runs the layers)."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from .functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            "plexus.Model: subclassed models with a Python call() are not available; build a "
            "Functional model (plexus.Model(inputs, outputs)) or a plexus.Sequential"
        )

    def _setup(self, name=None, trainable=True):
        Layer.__init__(self, name=name, trainable=trainable)
        self._handle = None
        self._running = 0
        self._stop_training = False
        self._backend = None
        self._private = False
        self.history = None
        self.optimizer = None
        self.loss = None
        self.compiled = False

    # -- the C model ------------------------------------------------------------------------

    @property
    def _c(self):
        """The px_model handle, made from the model's JSON on first use."""
        if self._handle is None:
            handle = ctypes.c_void_p()
            text = json.dumps(self.serialize()).encode("utf-8")
            shared = self._shared_layers()
            if shared:
                # Layers whose weights already live in another model's library copy are those
                # layers here too, as one Keras layer object is in every model that calls it.
                names = (ctypes.c_char_p * len(shared))(*[n.encode("utf-8") for n, _ in shared])
                owners = (ctypes.c_void_p * len(shared))(*[m._handle for _, m in shared])
                check(lib().px_model_from_json_sharing(
                    text, names, owners, len(shared), ctypes.byref(handle)
                ))  # fmt: skip
            else:
                check(lib().px_model_from_json(text, ctypes.byref(handle)))
            self._adopt(handle.value)
        return self._handle

    def _shared_layers(self):
        """(name, model) for each layer of this model (nested ones too) whose weights a
        library model already holds: that model's layer of the name is the one to use."""
        pairs, seen = [], set()

        def visit(model):
            for layer in model._own_layers():
                if layer.name in seen:  # a layer in two nested models: one entry
                    continue
                holder = layer._library_holder()
                if holder is not None and holder is not self:
                    pairs.append((layer.name, holder))
                    seen.add(layer.name)
                elif isinstance(layer, Model):
                    visit(layer)

        visit(self)
        return pairs

    def _adopt(self, handle):
        self._handle = handle
        if not self._private:
            self._claim(self)

        def announce(model):
            for layer in model._own_layers():
                layer._library_model_made(self)
                if isinstance(layer, Model) and layer._handle is None:
                    announce(layer)

        announce(self)
        if self._backend is not None:
            check(lib().px_model_set_backend(handle, self._backend.encode("utf-8")))

    def _claim(self, owner):
        """Makes `owner` the model whose weights this model's layers (nested ones too) read."""
        for layer in self._own_layers():
            layer._owner = owner
            if isinstance(layer, Model):
                layer._claim(owner)

    @property
    def trainable(self):
        """Whether the model trains. Setting it sets every layer's (nested ones too), as
        Keras's setter does; a layer set alone after that keeps its own."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        # While the model is being made it has no layers to pass the flag to yet.
        for layer in self._own_layers() if "_layers" in self.__dict__ else []:
            layer.trainable = value

    def _sync_trainable(self):
        """Pushes every layer's `trainable` to the C model, as Keras applies a change at the
        next compile. A layer trains when it and every model above it are trainable (Keras's
        setter passes a model's flag down; here the flags are combined when pushed)."""
        library = lib()
        handle = self._c

        def push(model, above):
            for layer in model._own_layers():
                effective = above and bool(layer.trainable)
                check(library.px_model_set_trainable(
                    handle, layer.name.encode("utf-8"), int(effective)
                ))  # fmt: skip
                if isinstance(layer, Model):
                    push(layer, effective)

        push(self, bool(self.trainable))

    def _own_layers(self):
        return [layer for layer in self.layers if not _is_input_layer(layer)]

    def __del__(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            try:
                lib().px_model_release(handle)
            except Exception:  # noqa: BLE001 - the library may be gone at interpreter shutdown
                pass

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The model a Keras model config (`model.get_config()`) describes, as
        `plexus.models.model_from_json` builds it. Equivalent to `keras.Model.from_config`."""
        from . import from_config
        from .sequential import Sequential

        if custom_objects:
            raise NotImplementedError("plexus: custom_objects are not supported")
        class_name = "Sequential" if issubclass(cls, Sequential) else "Functional"
        return from_config(config, class_name)

    def serialize(self):
        """`keras.saving.serialize_keras_object(model)` (architecture only)."""
        return keras_object("keras", type(self).__name__, self.get_config())

    # -- properties -------------------------------------------------------------------------

    @property
    def built(self):
        """Whether the model's weights exist."""
        if self._handle is None:
            return False
        count = ctypes.c_size_t()
        status = lib().px_model_weight_count(self._handle, ctypes.byref(count))
        return status == 0 and (count.value > 0 or self._has_known_input())

    def _has_known_input(self):
        return False

    @property
    def stop_training(self):
        """Set to True (from a callback) to end `fit` after the current batch."""
        return self._stop_training

    @stop_training.setter
    def stop_training(self, value):
        self._stop_training = bool(value)
        if value and self._running and self._handle is not None:
            check(lib().px_model_stop_training(self._handle))

    @property
    def backend(self):
        """The backend this model runs on (None: the process default, plexus.config.backend())."""
        return self._backend

    @backend.setter
    def backend(self, name):
        if self._handle is not None:
            check(
                lib().px_model_set_backend(
                    self._handle, None if name is None else name.encode("utf-8")
                )
            )
        self._backend = name

    @property
    def input_names(self):
        return [f"input_{index}" for index in range(len(self.inputs or [None]))]

    @property
    def output_names(self):
        return [f"output_{index}" for index in range(len(self.outputs or [None]))]

    def get_layer(self, name=None, index=None):
        """A layer by name or by index in `model.layers`."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
        )

    # -- weights ----------------------------------------------------------------------------

    def _weight_paths(self):
        handle = self._c
        count = ctypes.c_size_t()
        check(lib().px_model_weight_count(handle, ctypes.byref(count)))
        return [read_string(lib().px_model_weight_path, handle, i) for i in range(count.value)]

    def _nested_in(self):
        """The model holding this one's weights when it is only a layer of that model."""
        return self._owner if self._handle is None and self._owner is not None else None

    @property
    def weights(self):
        """Every weight (Keras's order) as a plexus.Variable with its Keras path."""
        if self._nested_in() is not None:
            return Layer.weights.fget(self)
        return [Variable(self, path) for path in self._weight_paths()]

    @property
    def trainable_weights(self):
        """The weights training updates, as Keras's: none of a frozen model's, none of a frozen
        layer's (in nested models too), and no moving statistics."""
        if not self.trainable:
            return []
        # This model's weights first: reading them makes its library model, which then holds
        # the nested layers, so their paths below are this model's paths.
        weights = self.weights
        frozen = {v.path for layer in self._frozen_layers() for v in layer.weights}
        return [v for v in weights if v.trainable and v.path not in frozen]

    @property
    def non_trainable_weights(self):
        """Every weight `trainable_weights` leaves out."""
        trainable = {v.path for v in self.trainable_weights}
        return [v for v in self.weights if v.path not in trainable]

    def _frozen_layers(self):
        """The layers with `trainable=False`, looking inside the trainable nested models."""
        found = []
        for layer in self._own_layers():
            if not layer.trainable:
                found.append(layer)
            elif isinstance(layer, Model):
                found += layer._frozen_layers()
        return found

    def _get_weight_tensor(self, path):
        handle = ctypes.c_void_p()
        check(lib().px_model_get_weight(self._c, path.encode("utf-8"), ctypes.byref(handle)))
        return Tensor(handle.value)

    def _weight_value(self, path, value):
        """`value` as a Tensor for the weight at `path`: checked against the weight's shape and
        cast to its dtype (Keras casts too). Raises a ValueError naming the weight."""
        current = self._get_weight_tensor(path)
        array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
        shape = tuple(current.shape)
        if tuple(array.shape) != shape:
            raise InvalidArgumentError(
                f"Weight {path} of model {self.name} has shape {shape}, which is not "
                f"compatible with the provided weight shape {tuple(array.shape)}."
            )
        dtype = current.dtype
        if dtype == "bfloat16":
            return create_copy(array, dtype="bfloat16")
        if array.dtype != np.dtype(dtype):
            if array.dtype.kind not in "biuf":
                raise InvalidArgumentError(
                    f"Weight {path} of model {self.name} is {dtype}; cannot take an array of "
                    f"dtype {array.dtype}."
                )
            array = array.astype(dtype)
        return create_copy(array)

    def _set_weight(self, path, value):
        tensor = value if isinstance(value, _Checked) else self._weight_value(path, value)
        check(lib().px_model_set_weight(self._c, path.encode("utf-8"), tensor.handle))

    def get_weights(self):
        """The weights' values as NumPy arrays, in Keras's order."""
        return [variable.numpy() for variable in self.weights]

    def set_weights(self, weights):
        """Sets every weight from NumPy arrays in the order of `get_weights()`."""
        if self._nested_in() is not None:
            return Layer.set_weights(self, weights)
        paths = self._weight_paths()
        weights = list(weights)
        if len(weights) != len(paths):
            raise ValueError(
                f"You called `set_weights(weights)` on model {self.name} with a weight list of "
                f"length {len(weights)}, but the model was expecting {len(paths)} weights."
            )
        # Every array is checked (and converted) first: a bad one leaves every weight as it was.
        tensors = [self._weight_value(path, value) for path, value in zip(paths, weights)]
        for path, tensor in zip(paths, tensors):
            self._set_weight(path, _Checked(tensor))

    def count_params(self):
        """The number of scalars in the model's weights."""
        if self._nested_in() is not None:
            return Layer.count_params(self)
        count = ctypes.c_size_t()
        check(lib().px_model_count_params(self._c, ctypes.byref(count)))
        return count.value

    # -- building, text ---------------------------------------------------------------------

    def build(self, input_shape):
        """Creates the weights for inputs of `input_shape` (with the batch axis, None for any
        size), for a model without a declared input."""
        dims = [-1 if d is None else int(d) for d in input_shape]
        shape = (ctypes.c_int64 * max(len(dims), 1))(*dims)
        check(lib().px_model_build(self._c, shape, len(dims)))

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):  # fmt: skip
        """Prints the table of layers, output shapes and parameter counts."""
        text = read_string(lib().px_model_summary, self._c)
        (print_fn or print)(text.rstrip("\n"))

    # -- files ------------------------------------------------------------------------------

    def save(self, filepath, overwrite=True):
        """Saves the model as a Keras 3 `.keras` file (architecture, weights, compile settings,
        optimizer state), atomically; it opens in Keras 3. Equivalent to `model.save`."""
        path = os.fspath(filepath)
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{path} exists and overwrite=False")
        check(lib().px_model_save(self._c, path.encode("utf-8")))

    def save_weights(self, filepath, overwrite=True):
        """Saves every variable (and the optimizer's state) as a Keras 3 `.weights.h5` file.
        Equivalent to `model.save_weights`."""
        path = os.fspath(filepath)
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{path} exists and overwrite=False")
        check(lib().px_model_save_weights(self._c, path.encode("utf-8")))

    def load_weights(self, filepath, skip_mismatch=False):
        """Loads a `.weights.h5` file (or a `.keras` file's weights) into this model, which must
        have the same structure; on a mismatch nothing is loaded. A legacy `.h5` file (Keras 2's
        `save_weights("w.h5")`) loads layer by layer, as Keras's legacy loader does.
        Equivalent to `model.load_weights`."""
        if skip_mismatch:
            raise NotImplementedError("plexus: skip_mismatch is not supported")
        check(lib().px_model_load_weights(self._c, os.fspath(filepath).encode("utf-8")))

    def to_json(self, **kwargs):
        """The model as Keras's `model.to_json()` writes it (architecture, no weights);
        `kwargs` go to `json.dumps` (e.g. indent=2)."""
        text = read_string(lib().px_model_to_json, self._c)
        return json.dumps(json.loads(text), **kwargs) if kwargs else text

    # -- calls ------------------------------------------------------------------------------

    def _call_eager(self, flat, training=None):
        tensors = _data.to_tensors(
            flat if len(flat) > 1 else flat[0], self.input_names, "Model call inputs"
        )
        return self._structured(self._run_on_batch(tensors, training))

    def _structured(self, outputs):
        """Outputs as the model was given them: a dict by key for a dict of outputs, else one
        value or a list, as Keras returns them."""
        keys = getattr(self, "_output_keys", None)
        return restructure(outputs, keys if keys is not None and len(keys) == len(outputs)
                           else None)  # fmt: skip

    def _keras_logs(self, logs):
        """Logs under Keras's names and in the order of Keras's `evaluate` list. For outputs
        given as a dict, each output's entries (`{layer}_loss`, `{layer}_{metric}`, `val_`
        ones too) go under its key instead of its layer's name. With several outputs the
        losses come first, each output's in the order of a loss dict given to `compile` (else
        in output order), then the metrics sorted by name, as Keras 3.15 lists them."""
        keys = getattr(self, "_output_keys", None)
        if keys and len(keys) >= 2:
            logs = _renamed(logs, [(t._keras_history[0].name, key)
                                   for t, key in zip(self.outputs, keys)])  # fmt: skip
            names = list(keys)
        else:
            names = list(self.output_names or [])
        if len(names) < 2:
            return logs
        given = getattr(self, "_compile_arguments", {}).get("loss")
        order = [key for key in given if key in names] if isinstance(given, dict) else []
        order += [name for name in names if name not in order]
        rank = {name: index for index, name in enumerate(["loss"] + [f"{n}_loss" for n in order])}

        def base(entry):
            return entry[0].removeprefix("val_")

        first = sorted((entry for entry in logs.items() if base(entry) in rank),
                       key=lambda entry: (entry[0].startswith("val_"), rank[base(entry)]))  # fmt: skip
        rest = sorted((entry for entry in logs.items() if base(entry) not in rank),
                      key=lambda entry: entry[0])  # fmt: skip
        return dict(first + rest)

    def _run_on_batch(self, tensors, training=None):
        """The outputs for one batch: in inference mode, or with `training` true in training
        mode (Keras's `model(x, training=True)`: dropout drops, batch normalization updates
        its moving statistics)."""
        handle = self._c
        count = self._output_count()
        outputs = (ctypes.c_void_p * max(count, 1))()
        if training:
            check(lib().px_model_call(
                handle, _data.handles(tensors), len(tensors), 1, outputs, count
            ))  # fmt: skip
        else:
            check(lib().px_model_predict_on_batch(
                handle, _data.handles(tensors), len(tensors), outputs, count
            ))  # fmt: skip
        return [Tensor(outputs[index]) for index in range(count)]

    def _output_count(self):
        """The C model's output count, asked once: it never changes after the model is made."""
        handle = self._c
        cached = getattr(self, "_output_count_cache", None)
        if cached is not None and cached[0] == handle:
            return cached[1]
        count = ctypes.c_size_t()
        check(lib().px_model_output_count(handle, ctypes.byref(count)))
        self._output_count_cache = (handle, count.value)
        return count.value

    def compute_output_spec(self, inputs):
        outputs = self.outputs or []
        if len(outputs) == 1:
            return KerasTensor(outputs[0].shape, outputs[0].dtype)
        return KerasTensor((None,), "float32")

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class _Checked:
    """A Tensor `_weight_value` already checked and converted for its weight."""

    __slots__ = ("handle", "_tensor")

    def __init__(self, tensor):
        self._tensor = tensor
        self.handle = tensor.handle


def _is_input_layer(layer):
    from ..layers.base import InputLayer

    return isinstance(layer, InputLayer)


def restructure(values, keys):
    """`values` as a model takes or gives them: a dict by `keys` when given, else one value or
    a list."""
    if keys is not None:
        return dict(zip(keys, values))
    return values[0] if len(values) == 1 else list(values)


def _renamed(logs, renames):
    """`logs` with each entry of a layer's prefix (`{layer}_...`, `val_{layer}_...`) under
    its output's key instead, for (layer name, key) `renames`."""
    renames = sorted((r for r in renames if r[0] != r[1]), key=lambda r: -len(r[0]))
    if not renames:
        return logs
    result = {}
    for name, value in logs.items():
        prefix = "val_" if name.startswith("val_") else ""
        base = name[len(prefix):]
        for layer, key in renames:
            if base.startswith(layer + "_"):
                base = key + base[len(layer):]
                break
        result[prefix + base] = value
    return result
