"""`plexus.config`: the process-wide settings every call runs with (the default backend,
threads, strict dispatch). Equivalent in spirit to `keras.config`."""

import ctypes

from ._lib import check, lib, read_string

__all__ = [
    "set_backend", "backend", "backends", "set_threads", "threads", "set_strict_dispatch",
    "strict_dispatch", "set_dtype_policy", "dtype_policy",
]  # fmt: skip


def set_backend(name):
    """Selects the default backend by name ("reference", "openblas", "onednn", a plugin's);
    models with a backend of their own (`model.backend = ...`) keep it."""
    check(lib().px_config_set_backend(str(name).encode("utf-8")))


def backend():
    """The name of the default backend."""
    return read_string(lib().px_config_backend)


def backends():
    """The names of the registered backends, in registration order."""
    count = ctypes.c_size_t()
    check(lib().px_backend_count(ctypes.byref(count)))
    return [read_string(lib().px_backend_name, index) for index in range(count.value)]


def set_threads(threads):
    """The number of threads every backend uses; 0 is one per core."""
    check(lib().px_config_set_threads(int(threads)))


def threads():
    """The number of threads the backends use."""
    value = ctypes.c_int64()
    check(lib().px_config_threads(ctypes.byref(value)))
    return value.value


def set_strict_dispatch(strict):
    """When True, an op the selected backend cannot run raises UnsupportedError instead of
    running on the reference backend."""
    check(lib().px_config_set_strict_dispatch(1 if strict else 0))


def strict_dispatch():
    """Whether strict dispatch is on."""
    value = ctypes.c_int32()
    check(lib().px_config_strict_dispatch(ctypes.byref(value)))
    return bool(value.value)


def set_dtype_policy(policy):
    """The dtype policy layers made from now on take, as `keras.config.set_dtype_policy`:
    "float32", or "mixed_bfloat16" (bfloat16 computation, float32 variables)."""
    name = getattr(policy, "name", policy)
    check(lib().px_config_set_dtype_policy(str(name).encode("utf-8")))


def dtype_policy():
    """The name of the process's dtype policy."""
    return read_string(lib().px_config_dtype_policy)
