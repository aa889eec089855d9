"""`plexus.callbacks`: hooks into `fit`, `evaluate` and `predict`, with Keras's names.

The C library reports progress through one ctypes function (`plexus.callbacks.dispatch`),
which calls these hooks. An exception raised in a hook stops the C call (the function returns
non-zero, so the call ends with PX_STATUS_CANCELLED) and is raised again, with its original
traceback, once the call has returned. `model.stop_training = True` in a hook ends `fit`
normally after the current batch."""

from .callback import Callback, CallbackList
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .history import History, LambdaCallback
from .model_checkpoint import ModelCheckpoint
from .learning_rate_scheduler import LearningRateScheduler
from .progbar_logger import ProgbarLogger
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .terminate_on_nan import TerminateOnNaN

__all__ = [
    "Callback",
    "CallbackList",
    "CSVLogger",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
