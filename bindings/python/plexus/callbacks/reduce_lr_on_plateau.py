"""`ReduceLROnPlateau`, as Keras's."""

import warnings

import numpy as np

from ._monitor import less, monitor_op
from .callback import Callback

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` (not below `min_lr`) when `monitor` has not
    improved by `min_delta` for `patience` epochs, then waits `cooldown` epochs before counting
    again. Adds the rate of each epoch to its logs as "learning_rate".

    ```python
    model.fit(x, y, validation_split=0.2,
              callbacks=[plexus.callbacks.ReduceLROnPlateau(factor=0.2, patience=5)])
    ```
    Equivalent to `keras.callbacks.ReduceLROnPlateau`."""

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"ReduceLROnPlateau mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        self.monitor = monitor
        self.mode = mode
        self.best = None
        self.min_delta = abs(min_delta)
        self.monitor_op = None
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _set_monitor_op(self):
        self.monitor_op = monitor_op("ReduceLROnPlateau", self.monitor, self.mode, self.model)
        if self.monitor_op is less:
            self.min_delta *= -1

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _float32(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                "Learning rate reduction is conditioned on metric "
                f"`{self.monitor}` which is not available. Available metrics "
                f"are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce_lr(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce_lr(self, epoch):
        optimizer = self.model.optimizer
        # Keras reads the rate from its float32 variable, and compares with min_lr in float32.
        old_lr = _float32(optimizer.learning_rate)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        return self.monitor_op(value - self.min_delta, reference)


def _float32(value):
    """`value` as Keras reads a learning rate: from a float32 variable."""
    return float(np.float32(value))
