"""`plexus.datasets`: small data sets read from local files (nothing is downloaded).
Equivalent to the parts of `keras.datasets` Plexus has."""

from . import fashion_mnist

__all__ = ["fashion_mnist"]
