"""`plexus.backends`: the registered backends, backend plugins loaded at run time, and where
ops ran.

    import plexus
    plexus.backends.load("/usr/lib/plexus/libpx_blis.so")    # registers "blis"
    plexus.config.set_backend("blis")
    ...
    plexus.backends.dispatch_count("blis", "matmul")        # ops that ran in the plugin

`plexus.backends()` (calling the module) still returns the registered names.
"""

import ctypes
import os
import sys
import types

from ._lib import check, lib, read_string
from .errors import InvalidArgumentError

__all__ = [
    "names", "load", "load_failure", "dispatch_count", "fallback_count", "reset_dispatch_counts",
]  # fmt: skip


def names():
    """The names of the registered backends, in registration order ("reference", "openblas",
    "onednn", then plugins)."""
    count = ctypes.c_size_t()
    check(lib().px_backend_count(ctypes.byref(count)))
    return [read_string(lib().px_backend_name, index) for index in range(count.value)]


def load(path, name=None):
    """Loads the backend plugin at `path` (a shared library built against plexus_plugin.h) and
    registers it under `name`, or under the name it gives itself; returns that name. Select it
    with `plexus.config.set_backend(name)` or `model.backend = name`. Raises PlexusIOError,
    saying why, when the library cannot be used; the process keeps working either way."""
    path = os.fspath(path)
    encoded_name = None if name is None else str(name).encode("utf-8")
    check(lib().px_backend_load(path.encode("utf-8"), encoded_name))
    # The registry keeps registration order: the backend just (re)registered is the last one.
    return str(name) if name is not None else names()[-1]


def load_failure(name):
    """Why the plugin backend `name` failed to load (from PLEXUS_PLUGINS, or a `load` that named
    it), or None when no load of that name failed."""
    try:
        return read_string(lib().px_backend_load_failure, str(name).encode("utf-8"))
    except InvalidArgumentError:
        return None


def _counts(backend, op):
    dispatches = ctypes.c_int64()
    fallbacks = ctypes.c_int64()
    encoded_op = None if op is None else str(op).encode("utf-8")
    check(
        lib().px_dispatch_count(
            str(backend).encode("utf-8"), encoded_op, ctypes.byref(dispatches),
            ctypes.byref(fallbacks),
        )
    )
    return dispatches.value, fallbacks.value


def dispatch_count(backend, op=None):
    """How many ops ran on `backend` (of `op`, a snake-case op name such as "matmul", or of every
    op) since the process started or the last `reset_dispatch_counts()`."""
    return _counts(backend, op)[0]


def fallback_count(backend, op=None):
    """How many ops selected for `backend` ran on the reference backend instead."""
    return _counts(backend, op)[1]


def reset_dispatch_counts():
    """Sets every dispatch and fallback count back to zero."""
    check(lib().px_dispatch_reset())


class _CallableModule(types.ModuleType):
    """Keeps `plexus.backends()` (the names) working now that `plexus.backends` is a module."""

    def __call__(self):
        return names()


sys.modules[__name__].__class__ = _CallableModule
