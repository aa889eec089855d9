"""`LearningRateScheduler`, as Keras's."""

import numpy as np

from .callback import Callback

__all__ = ["LearningRateScheduler"]


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to `schedule(epoch, lr)` (epoch from
    0, lr the current rate; a `schedule(epoch)` of one argument works too), and adds the rate
    of each epoch to its logs as "learning_rate".

    ```python
    def scheduler(epoch, lr):
        return lr if epoch < 10 else lr * math.exp(-0.1)

    model.fit(x, y, epochs=15, callbacks=[plexus.callbacks.LearningRateScheduler(scheduler)])
    ```
    Equivalent to `keras.callbacks.LearningRateScheduler`."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:  # schedule(epoch, lr)
            learning_rate = self.schedule(epoch, _float32(optimizer.learning_rate))
        except TypeError:  # the older schedule(epoch)
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        learning_rate = self._update_optimizer_lr(self.model.optimizer, epoch)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{learning_rate}.")  # fmt: skip

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _float32(self.model.optimizer.learning_rate)


def _float32(value):
    """`value` as Keras reads a learning rate: from a float32 variable."""
    return float(np.float32(value))
