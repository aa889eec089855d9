"""The layer base: a Keras layer as a config holder. A layer's constructor takes Keras 3's
arguments; `get_config()` writes Keras's config, which the C library builds the layer from.
Calling a layer on a symbolic `plexus.Input` (a KerasTensor) records a node of a Functional
graph; calling it on data runs it at once. Once a model holding the layer is built, the
layer's weights are that model's weights under "<layer name>/"."""

import json
import weakref

from .. import regularizers
from .._lib import lib
from ..saving import get_uid, keras_object, to_snake_case
from ..tensor import standardize_dtype

__all__ = ["Layer", "InputLayer", "Input", "KerasTensor"]

_LEGACY_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")


def _policy_in_force():
    from ..config import dtype_policy as current

    return current()


def dtype_policy(dtype):
    """Keras's serialized DTypePolicy for a layer's `dtype` argument (None: float32)."""
    if isinstance(dtype, dict):
        return dtype
    name = "float32" if dtype is None else getattr(dtype, "name", dtype)
    return keras_object("keras", "DTypePolicy", {"name": str(name)})


class KerasTensor:
    """A symbolic tensor: the shape (batch axis None) and dtype of a value in a Functional
    graph, and the layer call that makes it (`_keras_history`)."""

    def __init__(self, shape, dtype="float32", history=None, name=None):
        self.shape = tuple(None if d is None or d < 0 else int(d) for d in shape)
        self.dtype = dtype
        self._keras_history = history  # (layer, node_index, tensor_index)
        self.name = name

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def _unsupported(self, *args):
        raise TypeError(
            "plexus: operators on symbolic tensors are not recorded in the graph; use a layer "
            "(plexus.layers.Add, Concatenate, Activation, ...) instead"
        )

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _unsupported
    __truediv__ = __rtruediv__ = __matmul__ = __neg__ = __pow__ = _unsupported
    __getitem__ = _unsupported


class Node:
    """One call of a layer in a graph."""

    def __init__(self, layer, inputs, is_list, output):
        self.layer = layer
        self.inputs = inputs
        self.is_list = is_list
        self.output = output


def _flatten(inputs):
    if isinstance(inputs, (list, tuple)):
        return [item for entry in inputs for item in _flatten(entry)]
    if isinstance(inputs, dict):
        return [item for entry in inputs.values() for item in _flatten(entry)]
    return [inputs]


class Layer:
    """The base of every layer. Equivalent to `keras.layers.Layer` as far as configs go:
    Plexus runs the layers the C library registers, by their Keras class names."""

    _keras_module = "keras.layers"
    # Built-in layers are checked by the C library as soon as they are made.
    _check_in_library = False
    # Set per subclass: whether the class was written outside Plexus (see __init_subclass__).
    _written_in_python = False

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        legacy = {key: kwargs.pop(key) for key in _LEGACY_KWARGS if key in kwargs}
        if kwargs:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if name is not None and ("/" in str(name) or not str(name)):
            raise ValueError(
                f"Argument `name` must be a non-empty string without '/'; received {name!r}"
            )
        self.name = name if name is not None else get_uid(to_snake_case(type(self).__name__))
        self.trainable = trainable
        # A layer takes the policy in force when it is made (plexus.config.set_dtype_policy).
        self.dtype_policy = dtype if dtype is not None else _policy_in_force()
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._inbound_nodes = []
        self._owner = None
        self._eager_models = {}
        # Weak references to the models made with this layer (``_contained_in``).
        self._containers = []
        self._input_batch_shape = _legacy_input_shape(legacy)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A layer class written outside Plexus: the C library, which runs every layer, has no
        # such class (models are refused at construction, in plexus.Model).
        cls._written_in_python = not cls.__module__.startswith("plexus.")
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        def checked_init(self, *args, **kw):
            # Only the outermost constructor checks, once the whole object is set up.
            depth = self.__dict__.get("_init_depth", 0)
            self._init_depth = depth + 1
            try:
                init(self, *args, **kw)
            finally:
                self._init_depth = depth
            if depth == 0 and self._check_in_library:
                self._check_config()

        checked_init.__doc__ = init.__doc__
        checked_init.__wrapped__ = init
        cls.__init__ = checked_init

    def _check_config(self):
        """Lets the C library judge the config now, as Keras checks arguments at once."""
        library = lib()
        if not library.has("px_layer_create"):
            return
        import ctypes

        from .._lib import check

        handle = ctypes.c_void_p()
        text = json.dumps(self.get_config()).encode("utf-8")
        check(library.px_layer_create(type(self).__name__.encode(), text, ctypes.byref(handle)))
        library.px_layer_release(handle)

    # -- config ----------------------------------------------------------------------------

    def get_config(self):
        """Keras's config of the layer (the keys Keras writes for it)."""
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": dtype_policy(self.dtype_policy),
        }
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        """The layer a config describes."""
        return cls(**config)

    def serialize(self):
        """`keras.saving.serialize_keras_object(layer)`, without build_config."""
        return keras_object(self._keras_module, type(self).__name__, self.get_config())

    # -- shapes ----------------------------------------------------------------------------

    def compute_output_shape(self, input_shape):
        """The output shape (batch axis None) for `input_shape`; None for an axis not known."""
        return input_shape

    def compute_output_spec(self, inputs):
        shapes = [t.shape for t in inputs]
        try:
            shape = self.compute_output_shape(shapes if len(shapes) > 1 else shapes[0])
        except Exception:  # noqa: BLE001 - the C library checks shapes when it builds the model
            shape = (None,)
        return KerasTensor(shape, "float32")

    # -- calls -----------------------------------------------------------------------------

    def __call__(self, inputs, *args, **kwargs):
        if self._written_in_python and not hasattr(self, "_handle"):
            raise NotImplementedError(
                f"{type(self).__name__}: layers written in Python (subclasses of "
                "plexus.layers.Layer) are not available: the C library runs every layer. Build "
                "the model from Plexus's layers, or register the layer in the Swift library"
            )
        if kwargs.get("mask") is not None:
            _refuse_explicit_mask(self)
        extra = set(kwargs) - {"training", "mask"}
        if args or extra:
            raise TypeError(
                f"{type(self).__name__}: Plexus layers take their inputs only (and `training`); "
                f"received {len(args)} more positional and {sorted(extra)} keyword arguments"
            )
        flat = _flatten(inputs)
        if any(isinstance(x, KerasTensor) for x in flat):
            if not all(isinstance(x, KerasTensor) for x in flat):
                raise TypeError(
                    f"{type(self).__name__}: mix of symbolic and concrete inputs; wrap constants "
                    "in a plexus.Input"
                )
            return self._call_symbolic(flat, isinstance(inputs, (list, tuple)))
        return self._call_eager(flat, training=kwargs.get("training"))

    def _call_symbolic(self, flat, is_list):
        output = self.compute_output_spec(flat)
        output._keras_history = (self, len(self._inbound_nodes), 0)
        output.name = self.name
        self._inbound_nodes.append(Node(self, flat, is_list, output))
        return output

    def _call_eager(self, flat, training=None):
        """Runs the layer on data through a private one-layer model (made per input shape), in
        training mode when `training` is true."""
        from ..tensor import convert_to_tensor

        tensors = [convert_to_tensor(x) for x in flat]
        model = self._eager_model(tuple((t.shape[1:], t.dtype) for t in tensors))
        return model._run_on_batch(tensors, training)[0]

    def _eager_model(self, key):
        """The private one-layer model for inputs of `key` ((shape without the batch axis,
        dtype) per input), made on first need."""
        from ..models.functional import Functional

        model = self._eager_models.get(key)
        if model is None:
            inputs = [Input(shape=shape, dtype=dtype) for shape, dtype in key]
            output = self(inputs if len(inputs) > 1 else inputs[0])
            model = Functional(inputs, output, name=get_uid(f"{self.name}_eager"), _private=True)
            self._eager_models[key] = model
        return model

    # The dtype `build` gives the layer's inputs (an Embedding reads integers).
    _build_dtype = "float32"

    def build(self, input_shape):
        """Creates the layer's weights for inputs of `input_shape` (with the batch axis; a
        list of shapes for a layer of several inputs), as Keras's `build`: from then on
        `weights` and `get_weights()` read them, and calls on inputs of that shape use them."""
        shapes = list(input_shape)
        several = bool(shapes) and all(isinstance(s, (list, tuple)) for s in shapes)
        shapes = shapes if several else [shapes]
        key = tuple((tuple(shape[1:]), self._build_dtype) for shape in shapes)
        model = self._eager_model(key)
        if not model.built:
            _ = model._c  # makes the library model, which builds it from its inputs

    # -- nodes -----------------------------------------------------------------------------

    @property
    def input(self):
        """The input of the layer's first call (a KerasTensor, or a list of them)."""
        node = self._first_node()
        return node.inputs if node.is_list else node.inputs[0]

    @property
    def output(self):
        """The output of the layer's first call."""
        return self._first_node().output

    def _first_node(self):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has never been called and thus has no input")
        return self._inbound_nodes[0]

    # -- weights ---------------------------------------------------------------------------

    def _weight_owner(self):
        if self._owner is not None:
            return self._owner
        if self._eager_models:
            return next(iter(self._eager_models.values()))
        # Keras builds a layer when a model with known inputs is made with it: its weights
        # exist (to read or set, a pretrained embedding say) before the model's first use. The
        # library model of such a model is made here, and holds the layer from now on.
        for reference in self._containers:
            model = reference()
            if model is not None and model._handle is None and model._has_known_input():
                _ = model._c
                if self._owner is not None:
                    return self._owner
        return None

    def _contained_in(self, model):
        """Records that `model` (a Sequential or Functional model) holds this layer."""
        self._containers.append(weakref.ref(model))

    # Weights Keras layers expose as attributes (`dense.kernel`), found by their own names.
    _WEIGHT_ATTRIBUTES = frozenset({
        "kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "embeddings",
        "recurrent_kernel", "depthwise_kernel", "pointwise_kernel", "alpha",
    })  # fmt: skip

    def __getattr__(self, name):
        # Only for names normal lookup did not find: a built layer's weight of that name.
        if name in Layer._WEIGHT_ATTRIBUTES:
            for variable in self.weights:
                if variable.path.rsplit("/", 1)[-1] == name:
                    return variable
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _library_model_made(self, model):
        """Called when a library model holding this layer has just been made (`model`)."""

    def _library_holder(self):
        """A library model that holds this layer's weights (the model itself, for a model made
        in the library), or None while none does."""
        if getattr(self, "_handle", None) is not None:
            return self
        candidates = [self._owner] + list(self._eager_models.values())
        for model in candidates:
            if model is not None and model._handle is not None:
                return model
        return None

    @property
    def built(self):
        """Whether a built model holds the layer's weights."""
        owner = self._weight_owner()
        return owner is not None and owner.built

    @property
    def variables(self):
        """The layer's variables: its weights (Keras's `variables`)."""
        return self.weights

    @property
    def weights(self):
        """The layer's weights in its model (Keras order), as plexus.Variables."""
        owner = self._weight_owner()
        if owner is None:
            return []
        # Paths name the layer before the weight's own name: "dense/kernel", with the names of
        # the Sequential models holding it in front ("mlp/dense/kernel"; a Functional model adds
        # none). The layer's name must sit right after that prefix: matching it anywhere would
        # give a layer named like its model every weight.
        prefixes = _weight_prefixes(owner, self)
        if not prefixes:
            return []
        inner = self._inner_layers()
        if inner:
            # A wrapper's weights are its inner layers', named by them alone, as in Keras
            # ("forward_lstm/lstm_cell/kernel" for a Bidirectional layer's).
            prefixes = [
                ((*prefix[:-1], layer.name), _weights_deeper(layer))
                for prefix, _ in prefixes
                for layer in inner
            ]
        found = []
        for variable in owner.weights:
            parts = tuple(variable.path.split("/")[:-1])
            for prefix, nested in prefixes:
                # A layer's weights sit right under its prefix, a nested model's deeper.
                if parts[: len(prefix)] == prefix and (len(parts) > len(prefix)) == nested:
                    found.append(variable)
                    break
        return found

    def _inner_layers(self):
        """The layers a wrapper (Bidirectional, TimeDistributed) runs; empty for others."""
        return []

    @property
    def trainable_weights(self):
        return [v for v in self.weights if v.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self):
        return [v for v in self.weights if not v.trainable or not self.trainable]

    def get_weights(self):
        """The weights' values as NumPy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets every weight, in the order of `get_weights()`."""
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer {self.name} expects {len(variables)} weights, received {len(weights)}"
            )
        # Every array is checked (and converted) first: a bad one leaves every weight as it was.
        from ..models.model import _Checked

        checked = [
            _Checked(variable._model._weight_value(variable.path, value))
            for variable, value in zip(variables, weights)
        ]
        for variable, value in zip(variables, checked):
            variable._model._set_weight(variable.path, value)

    def count_params(self):
        """The number of scalars in the layer's weights."""
        total = 0
        for value in self.get_weights():
            total += value.size
        return total

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _model_chain(model, layer):
    """The models from `model` (included) down to the one whose layers hold `layer`, or None."""
    for child in model._own_layers():
        if child is layer:
            return [model]
        if hasattr(child, "_own_layers"):
            chain = _model_chain(child, layer)
            if chain is not None:
                return [model, *chain]
    return None


def _prefixes_of(layer, above):
    """The weight-path prefixes (tuples of names, each with whether the weights lie deeper, in
    a nested model's layers) of `layer`, given the names the models above it put in front."""
    from ..models.functional import Functional

    if isinstance(layer, Functional):  # adds no name: its layers' weights are its own
        prefixes = []
        for child in layer._own_layers():
            prefixes.extend(_prefixes_of(child, above))
        return prefixes
    return [((*above, layer.name), _weights_deeper(layer))]


def _weights_deeper(layer):
    """Whether a layer's weights lie below its own name: a nested model's, and those of
    layers that hold their weights in sublayers ("lstm/lstm_cell/kernel")."""
    return hasattr(layer, "_own_layers") or getattr(layer, "_nested_weights", False)


def _weight_prefixes(owner, layer):
    """The prefixes of `layer`'s weight paths in `owner`, the model holding its weights."""
    from ..models.sequential import Sequential

    chain = _model_chain(owner, layer)
    if chain is None:
        return [((layer.name,), _weights_deeper(layer))]
    above = tuple(model.name for model in chain if isinstance(model, Sequential))
    return _prefixes_of(layer, above)


def _legacy_input_shape(legacy):
    """The batch shape Keras 2's `input_shape=` / `input_dim=` / `batch_input_shape=` give."""
    if legacy.get("batch_input_shape") is not None:
        return tuple(legacy["batch_input_shape"])
    if legacy.get("input_shape") is not None:
        return (legacy.get("batch_size"), *tuple(legacy["input_shape"]))
    if legacy.get("input_dim") is not None:
        return (legacy.get("batch_size"), legacy["input_dim"])
    return None


class InputLayer(Layer):
    """The entry of a graph: declares the input's shape and dtype.
    Equivalent to `keras.layers.InputLayer` (use `plexus.Input` for its tensor)."""

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        ragged=None,
        **kwargs,
    ):
        legacy_shape = kwargs.pop("input_shape", None)
        if shape is None:
            shape = legacy_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer needs `shape` or `batch_shape`")
            batch_shape = (batch_size, *tuple(shape))
        if sparse or ragged or optional:
            raise NotImplementedError("plexus.InputLayer: inputs are dense and required")
        if input_tensor is not None:
            raise NotImplementedError("plexus.InputLayer: input_tensor is not available")
        super().__init__(name=name if name is not None else get_uid("input_layer"), **kwargs)
        self.batch_shape = tuple(None if d is None or d < 0 else int(d) for d in batch_shape)
        self.dtype = standardize_dtype(dtype) or "float32"
        tensor = KerasTensor(self.batch_shape, self.dtype, (self, 0, 0), name=self.name)
        self._inbound_nodes.append(Node(self, [], False, tensor))

    def get_config(self):
        return {
            "batch_shape": list(self.batch_shape),
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": False,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("sparse", "ragged", "optional"):
            if not config.get(key):
                config.pop(key, None)
        return cls(**config)


def Input(  # noqa: N802 - Keras's name
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """A symbolic input: the start of a Functional model (or of a Sequential one).

    ```python
    inputs = plexus.Input(shape=(784,))
    ```
    `shape` leaves out the batch axis; None marks an axis of any size.
    Equivalent to `keras.Input`."""
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output


def _refuse_explicit_mask(layer):
    """A `mask=` given to a call: the C library runs the masks that Embedding(mask_zero=True)
    and Masking make (they flow with the tensors, as in Keras), but no mask given by hand; one
    ignored would silently change results."""
    raise NotImplementedError(
        f"{type(layer).__name__} '{layer.name}': a `mask=` passed to a call is not supported; "
        "masks come from an Embedding(mask_zero=True) or a Masking layer before it"
    )
