"""Fashion-MNIST: 28x28 grey images of clothes in 10 classes, 60,000 to train on and 10,000
to test on. Read from the four IDX .gz files Debian's `dataset-fashion-mnist` installs in
/usr/share/datasets/fashion-mnist (or the directory in $FASHION_MNIST_DIR)."""

import gzip
import os
from pathlib import Path

import numpy as np

__all__ = ["load_data", "DEFAULT_DIRECTORY"]

DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist"
_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def _read_idx(path):
    with gzip.open(path, "rb") as file:
        data = file.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
    offset = 4 + 4 * rank
    count = int(np.prod(dims)) if dims else 1
    if len(data) - offset != count:
        raise ValueError(f"{path}: {len(data) - offset} bytes of data, the header says {count}")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def load_data(directory=None):
    """`((x_train, y_train), (x_test, y_test))`: uint8 images of shape (n, 28, 28) and uint8
    labels. Equivalent to `keras.datasets.fashion_mnist.load_data()`."""
    directory = Path(directory or os.environ.get("FASHION_MNIST_DIR") or DEFAULT_DIRECTORY)
    paths = [directory / name for name in _FILES]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"Fashion-MNIST: {missing[0]} does not exist; install it with: sudo apt-get install "
            "dataset-fashion-mnist (or set FASHION_MNIST_DIR to a directory holding the four "
            "IDX .gz files)"
        )
    x_train, y_train, x_test, y_test = (_read_idx(p) for p in paths)
    return (x_train, y_train), (x_test, y_test)
