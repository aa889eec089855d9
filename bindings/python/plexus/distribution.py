"""`plexus.distribution`: data-parallel training over MPI, as `keras.distribution` spells it,
with processes in place of devices.

Start the same script on N processes with `mpirun` (`scripts/mpirun.sh N python train.py` has
the flags a single machine needs), then in it::

    import plexus as keras
    distribution = keras.distribution.DataParallel()
    keras.distribution.set_distribution(distribution)
    model.fit(x, y, batch_size=128, epochs=3)   # 128 samples a step over all processes
    if distribution.is_chief:
        model.save("model.keras")

Every process must build the same model; `fit` checks it, broadcasts process 0's weights,
optimizer state and random stream, trains each process on its slice of every batch of one
shared shuffle, sums the gradients across the processes in a fixed order before every update
(so every process holds the same weights), reports the whole batch's loss and metrics, and lets
process 0 alone print progress and run the callbacks that write files. A process that fails
tells the others, whose `fit` then raises an error naming it.
"""

import contextlib
import ctypes

from ._lib import check, lib

__all__ = ["DataParallel", "set_distribution", "distribution", "announce_failure"]

_current = None


class DataParallel:
    """Data parallelism over every process `mpirun` started (one process outside `mpirun`,
    without loading MPI). `bucket_bytes`: the most gradient bytes summed in one collective call
    (default 16 MiB). Equivalent to `keras.distribution.DataParallel`."""

    def __init__(self, bucket_bytes=None):
        if bucket_bytes is not None:
            if isinstance(bucket_bytes, bool) or not isinstance(bucket_bytes, int):
                raise TypeError(f"bucket_bytes must be an int, received {bucket_bytes!r}")
            if not 1024 <= bucket_bytes <= 1 << 29:
                raise ValueError(f"bucket_bytes must be 1024 to 2**29, received {bucket_bytes}")
        rank, count = ctypes.c_int32(), ctypes.c_int32()
        check(lib().px_distribution_world(ctypes.byref(rank), ctypes.byref(count)))
        self.bucket_bytes = bucket_bytes
        self.rank = rank.value
        self.num_processes = count.value

    @property
    def is_chief(self):
        """Whether this is process 0, the one that prints, logs and saves."""
        return self.rank == 0

    @contextlib.contextmanager
    def scope(self):
        """Makes this the distribution inside a `with` block, then restores the previous one."""
        previous = _current
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)

    def __repr__(self):
        return f"<DataParallel rank={self.rank} num_processes={self.num_processes}>"


def set_distribution(value):
    """Sets the distribution `fit`, `evaluate` and the optimizers use (None: none), as
    `keras.distribution.set_distribution`."""
    global _current
    if value is None:
        check(lib().px_distribution_clear())
    elif isinstance(value, DataParallel):
        check(lib().px_distribution_set_data_parallel(value.bucket_bytes or 0))
    else:
        raise TypeError(f"set_distribution takes a DataParallel or None, received {value!r}")
    _current = value


def distribution():
    """The distribution set by `set_distribution`, or None."""
    return _current


def announce_failure(message):
    """Tells the other processes that this one failed (a custom loop that caught an error they
    will not see): their collectives raise an error naming this rank instead of waiting."""
    check(lib().px_distribution_announce_failure(str(message).encode("utf-8")))
