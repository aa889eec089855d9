"""`plexus.activations`: the activation functions layers take, by name ("relu") or as these
functions (`activation=plexus.activations.relu`). Those plexus.ops has run eagerly on
tensors; the rest exist for layer configs only."""

from . import ops

__all__ = ["get", "serialize"]

# Keras's names, and the name Keras serializes each under (`swish` is `silu`).
_KNOWN = [
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "mish",
    "sigmoid", "hard_sigmoid", "tanh", "softmax", "log_softmax", "softplus", "softsign",
    "exponential",
]
_ALIASES = {"swish": "silu"}

_EAGER = {
    "linear": lambda x: ops.convert_to_tensor(x),
    "relu": ops.relu,
    "sigmoid": ops.sigmoid,
    "tanh": ops.tanh,
    "softmax": ops.softmax,
    "log_softmax": ops.log_softmax,
    "silu": ops.silu,
    "swish": ops.silu,
    "exponential": ops.exp,
}


def _make(name):
    def activation(x):
        eager = _EAGER.get(name)
        if eager is None:
            raise NotImplementedError(
                f"plexus.activations.{name} runs inside layers only; plexus.ops has no {name}"
            )
        return eager(x)

    activation.__name__ = activation.__qualname__ = name
    activation.__doc__ = f"The `{name}` activation. Equivalent to `keras.activations.{name}`."
    return activation


for _name in _KNOWN:
    globals()[_name] = _make(_name)
    __all__.append(_name)


def serialize(activation):
    """The name Keras writes in a layer config: "linear" for None, a function's name, or a
    dict as given."""
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return _ALIASES.get(activation, activation)
    if isinstance(activation, dict):
        return activation
    name = getattr(activation, "__name__", None)
    if name is None:
        raise TypeError(f"activation {activation!r} has no name; pass its name as a string")
    return _ALIASES.get(name, name)


def get(identifier):
    """The activation function for a name or function."""
    if identifier is None:
        return globals()["linear"]
    if isinstance(identifier, str):
        if identifier not in _KNOWN:
            raise ValueError(f"unknown activation {identifier!r}; known: {', '.join(_KNOWN)}")
        return globals()[identifier]
    return identifier
