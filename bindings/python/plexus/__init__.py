"""Plexus from Python: a Keras-shaped API over the C ABI (include/plexus.h) through ctypes.

```python
import plexus as keras
from plexus import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10),
])
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=10)
```

No compiler is needed: the package loads libplexus_c.so (see plexus._lib for where it looks)
on first use. NumPy arrays and plexus.Tensors share memory through DLPack.
"""

from . import (
    activations,
    backends,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,
    errors,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    saving,
    utils,
)
from ._lib import check as _check_status
from ._lib import lib as _library_handle
from ._lib import library_path
from .errors import (
    STATUS_CANCELLED,
    STATUS_INTERNAL,
    STATUS_INVALID_ARGUMENT,
    STATUS_INVALID_STATE,
    STATUS_IO,
    STATUS_OK,
    STATUS_OUT_OF_MEMORY,
    STATUS_UNSUPPORTED,
    CancelledError,
    InternalError,
    InvalidArgumentError,
    InvalidStateError,
    OutOfMemoryError,
    PlexusError,
    PlexusIOError,
    UnsupportedError,
)
from .layers import Input, InputLayer, KerasTensor, Layer
from .models import Model, Sequential
from .tensor import Tensor, convert_to_numpy, convert_to_tensor, from_dlpack, is_tensor
from .variables import Variable

__all__ = [
    "Tensor", "Variable", "convert_to_tensor", "convert_to_numpy", "from_dlpack", "is_tensor",
    "Input", "InputLayer", "KerasTensor", "Layer", "Model", "Sequential",
    "activations", "callbacks", "config", "constraints", "datasets", "errors", "initializers",
    "layers", "losses", "metrics", "models", "ops", "optimizers", "regularizers", "saving",
    "utils", "PlexusError", "InvalidArgumentError", "InternalError", "InvalidStateError",
    "UnsupportedError", "OutOfMemoryError", "CancelledError", "PlexusIOError", "abi_version",
    "version", "backends", "backend_names", "library_path",
]  # fmt: skip


def abi_version():
    """The library's C ABI version as a (major, minor) tuple."""
    packed = _library_handle().px_abi_version()
    return (packed >> 16, packed & 0xFFFF)


def version():
    """The library's release version, e.g. "0.1.0"."""
    return _library_handle().px_version_string().decode("utf-8")


def backend_names():
    """The names of the registered backends ("reference", "openblas", "onednn", plugins)."""
    return backends.names()


def _library():
    """The loaded library (its functions carry their C signatures)."""
    return _library_handle()


def _check(status):
    """Raises the PlexusError subclass of `status` with this thread's message unless OK."""
    _check_status(status)


def _backend_name(index):
    from ._lib import read_string

    return read_string(_library_handle().px_backend_name, index)
