"""`plexus.utils`: seeding, label encoding and the progress bar. Equivalent to the parts of
`keras.utils` Plexus has."""

import numpy as np

from ._lib import check, lib
from ._progbar import Progbar

__all__ = ["set_random_seed", "to_categorical", "clear_session", "Progbar"]


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


def clear_session():
    """Starts automatic layer and model names from the beginning again ("dense", "dense_1",
    ...). Equivalent to `keras.utils.clear_session`."""
    from .saving import reset_uids

    reset_uids()
