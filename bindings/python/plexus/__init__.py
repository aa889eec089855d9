"""Plexus from Python, over the C ABI (include/plexus.h) through ctypes.

No compiler is needed: the package loads libplexus_c.so, found through the environment variable
PLEXUS_LIBRARY (the path of the library), else in <repo>/.build/debug, else <repo>/.build/release.
"""

import ctypes
import functools
import os
from pathlib import Path

__all__ = ["PlexusError", "abi_version", "version", "backend_names", "library_path"]

# The status codes of include/plexus.h.
STATUS_OK = 0
STATUS_INVALID_ARGUMENT = 1
STATUS_INTERNAL = 2

_LIBRARY_NAME = "libplexus_c.so"
_REPO_ROOT = Path(__file__).resolve().parents[3]


class PlexusError(Exception):
    """A Plexus call failed; the message is px_last_error_message(), `status` the px_status."""

    def __init__(self, message, status=STATUS_INTERNAL):
        super().__init__(message)
        self.status = status


def library_path():
    """The libplexus_c.so this package loads."""
    override = os.environ.get("PLEXUS_LIBRARY")
    if override:
        return Path(override)
    candidates = [_REPO_ROOT / ".build" / config / _LIBRARY_NAME for config in ("debug", "release")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise PlexusError(
        f"cannot find {_LIBRARY_NAME} (looked in {searched}); build it with "
        "`swift build --product plexus_c` or set PLEXUS_LIBRARY to its path"
    )


@functools.cache
def _library():
    """The loaded library, with its C signatures declared; loaded on first use."""
    path = library_path()
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as error:
        raise PlexusError(f"cannot load {path}: {error}") from error
    lib.px_abi_version.argtypes = []
    lib.px_abi_version.restype = ctypes.c_uint32
    lib.px_version_string.argtypes = []
    lib.px_version_string.restype = ctypes.c_char_p
    lib.px_last_error_message.argtypes = []
    lib.px_last_error_message.restype = ctypes.c_char_p
    lib.px_backend_count.argtypes = [ctypes.POINTER(ctypes.c_size_t)]
    lib.px_backend_count.restype = ctypes.c_int32
    lib.px_backend_name.argtypes = [
        ctypes.c_size_t,
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_size_t),
    ]
    lib.px_backend_name.restype = ctypes.c_int32
    return lib


def _check(status):
    """Raises PlexusError with this thread's last-error text when `status` is not OK."""
    if status != STATUS_OK:
        message = _library().px_last_error_message().decode("utf-8", errors="replace")
        raise PlexusError(message or f"Plexus call failed with status {status}", status)


def abi_version():
    """The library's C ABI version as a (major, minor) tuple."""
    packed = _library().px_abi_version()
    return (packed >> 16, packed & 0xFFFF)


def version():
    """The library's release version, e.g. "0.1.0"."""
    return _library().px_version_string().decode("utf-8")


def _backend_count():
    count = ctypes.c_size_t()
    _check(_library().px_backend_count(ctypes.byref(count)))
    return count.value


def _backend_name(index):
    needed = ctypes.c_size_t()
    _check(_library().px_backend_name(index, None, 0, ctypes.byref(needed)))
    buffer = ctypes.create_string_buffer(needed.value)
    _check(_library().px_backend_name(index, buffer, len(buffer), ctypes.byref(needed)))
    return buffer.value.decode("utf-8")


def backend_names():
    """The names of the registered backends, in registration order."""
    return [_backend_name(index) for index in range(_backend_count())]
