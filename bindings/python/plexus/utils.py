"""`plexus.utils`: seeding, label encoding and the progress bar. Equivalent to the parts of
`keras.utils` Plexus has."""

import numpy as np

from ._lib import check, lib
from ._progbar import Progbar

__all__ = [
    "set_random_seed", "to_categorical", "pad_sequences", "clear_session", "Progbar", "PyDataset",
]  # fmt: skip


def set_random_seed(seed):
    """Seeds Plexus's global random generator (initial weights, shuffling, dropout) and
    NumPy's and Python's, as `keras.utils.set_random_seed`: the same seed gives the same run."""
    import random

    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    check(lib().px_config_set_seed(seed))


def to_categorical(x, num_classes=None):
    """One-hot rows (float32) for integer labels. Equivalent to `keras.utils.to_categorical`."""
    labels = np.asarray(x, dtype=np.int64)
    shape = labels.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    classes = int(num_classes) if num_classes is not None else int(labels.max()) + 1
    result = np.zeros((labels.size, classes), dtype=np.float32)
    result[np.arange(labels.size), labels] = 1.0
    return result.reshape(*shape, classes)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):  # fmt: skip
    """Sequences of different lengths as one array of `maxlen` columns (the longest, by
    default): shorter ones padded with `value`, longer ones cut, both at the start ("pre") or
    the end ("post"). Equivalent to `keras.utils.pad_sequences`."""
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape, shape_found = [], (), False
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as error:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {x!r}"
            ) from error
        if not shape_found and len(x):
            # The samples' shape: the first non-empty sequence's, as Keras takes it.
            sample_shape, shape_found = np.asarray(x).shape[1:], True
    if maxlen is None:
        maxlen = max(lengths, default=0)
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    is_text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.object_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    result = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if not len(sequence) or maxlen == 0:
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {index} is different "
                f"from expected shape {sample_shape}"
            )
        if padding == "post":
            result[index, : len(kept)] = kept
        else:
            result[index, -len(kept):] = kept
    return result


def clear_session():
    """Starts automatic layer and model names from the beginning again ("dense", "dense_1",
    ...). Equivalent to `keras.utils.clear_session`."""
    from .saving import reset_uids

    reset_uids()


class PyDataset:
    """A dataset made one batch at a time, for data that does not fit in memory as arrays:
    subclass it, give `__len__` (batches per epoch) and `__getitem__(index)` (a batch:
    `(x, y)`, `(x, y, sample_weight)`, or `x` alone for predict), and pass it to `fit`,
    `evaluate` or `predict` in place of arrays. `on_epoch_begin` and `on_epoch_end` run around
    each epoch (reshuffle there).

    ```python
    class Shards(plexus.utils.PyDataset):
        def __len__(self):
            return 100
        def __getitem__(self, index):
            return load_images(index) / 255.0, load_labels(index)

    model.fit(Shards(), epochs=5)
    ```
    With `workers` above 1, up to `max_queue_size` batches are made ahead on a library thread
    while the model trains (Plexus uses one producer thread; `use_multiprocessing` is not
    supported); with 1, each batch is made when it is needed. `__getitem__` must not use the
    model it feeds (its `predict`, say): from the library's thread that call would wait for the
    running `fit`, which waits for the batch. Equivalent to `keras.utils.PyDataset`."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if use_multiprocessing:
            raise NotImplementedError("plexus.utils.PyDataset: use_multiprocessing=True is not "
                                      "supported; batches are made on a thread")  # fmt: skip
        if workers < 1 or max_queue_size < 1:
            raise ValueError(
                f"PyDataset: workers ({workers}) and max_queue_size ({max_queue_size}) must be "
                "at least 1"
            )
        self._workers = int(workers)
        self._use_multiprocessing = False
        self._max_queue_size = int(max_queue_size)

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    @property
    def num_batches(self):
        """The batches of one epoch (Keras's `num_batches`)."""
        return len(self)

    def on_epoch_begin(self):
        """Called before each epoch."""

    def on_epoch_end(self):
        """Called after each epoch."""
