"""The exceptions Plexus raises: one class per `px_status` code of include/plexus.h.

Each carries the C library's message (`px_last_error_message()`, which names the function, what
it expected and what it received) and the status in `.status`. Each also subclasses the built-in
exception a Python user would catch for that kind of failure: a bad argument is a `ValueError`,
an unsupported request a `NotImplementedError`, a failed file operation an `OSError`.
"""

__all__ = [
    "PlexusError",
    "InvalidArgumentError",
    "InternalError",
    "InvalidStateError",
    "UnsupportedError",
    "OutOfMemoryError",
    "CancelledError",
    "PlexusIOError",
    "error_for_status",
]

# The px_status codes of include/plexus.h.
STATUS_OK = 0
STATUS_INVALID_ARGUMENT = 1
STATUS_INTERNAL = 2
STATUS_INVALID_STATE = 3
STATUS_UNSUPPORTED = 4
STATUS_OUT_OF_MEMORY = 5
STATUS_CANCELLED = 6
STATUS_IO = 7


class PlexusError(Exception):
    """A Plexus call failed; the message is the C library's, `status` the px_status code."""

    status = STATUS_INTERNAL

    def __init__(self, message, status=None):
        super().__init__(message)
        if status is not None:
            self.status = status


class InvalidArgumentError(PlexusError, ValueError):
    """An argument was invalid (PX_STATUS_INVALID_ARGUMENT): fix the call."""

    status = STATUS_INVALID_ARGUMENT


class InternalError(PlexusError):
    """The library failed for a reason that is not the caller's (PX_STATUS_INTERNAL): a bug."""

    status = STATUS_INTERNAL


class InvalidStateError(PlexusError, RuntimeError):
    """The object is not in a state that allows the call (PX_STATUS_INVALID_STATE), e.g. a
    model trained before `compile`."""

    status = STATUS_INVALID_STATE


class UnsupportedError(PlexusError, NotImplementedError):
    """The request is valid but not available here (PX_STATUS_UNSUPPORTED)."""

    status = STATUS_UNSUPPORTED


class OutOfMemoryError(PlexusError, MemoryError):
    """An allocation failed (PX_STATUS_OUT_OF_MEMORY)."""

    status = STATUS_OUT_OF_MEMORY


class CancelledError(PlexusError):
    """A progress callback asked the call to stop (PX_STATUS_CANCELLED)."""

    status = STATUS_CANCELLED


class PlexusIOError(PlexusError, OSError):
    """Reading or writing a file failed (PX_STATUS_IO)."""

    status = STATUS_IO


# The former name, kept in this module only: exported from `plexus`, it would shadow the builtin
# IOError (OSError) on `from plexus import *`.
IOError = PlexusIOError  # noqa: A001


_BY_STATUS = {
    cls.status: cls
    for cls in (
        InvalidArgumentError,
        InternalError,
        InvalidStateError,
        UnsupportedError,
        OutOfMemoryError,
        CancelledError,
        PlexusIOError,
    )
}


def error_for_status(status, message):
    """The exception for a non-OK `status` (an unknown code gives a plain PlexusError)."""
    cls = _BY_STATUS.get(status, PlexusError)
    return cls(message or f"Plexus call failed with status {status}", status)
