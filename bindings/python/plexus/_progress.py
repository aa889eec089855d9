"""The one ctypes progress function every fit / evaluate / predict passes to the C library,
and the bookkeeping of the call it reports on.

A Python exception cannot cross the C frames ctypes calls through, so a hook that raises is
caught here: the function returns 1 (the C call then stops with PX_STATUS_CANCELLED), later
events are ignored, and `ProgressRun.raise_error()` raises the exception, with its traceback,
after the C call has returned."""

import ctypes
import itertools
import signal
import threading

from . import _lib
from ._lib import PROGRESS_FN, ProgressEvent

_runs = {}
_ids = itertools.count(1)
_lock = threading.Lock()
_LOGS_END = ProgressEvent.log_values.offset + ctypes.sizeof(ctypes.c_void_p)


class ProgressRun:
    """One C call's progress: the callbacks to tell and the exception to raise afterwards.

    ```python
    with ProgressRun(model, callbacks) as run:
        status = lib.px_model_fit(..., run.function, run.user, ...)
    run.raise_error()
    check(status)
    ```"""

    def __init__(self, model, callbacks, hook_mask=None):
        """`hook_mask`: the event kinds (px_fit_options.event_mask bits) the callbacks hear;
        None for all of them."""
        self.model = model
        self.callbacks = callbacks
        self.hook_mask = hook_mask
        self.error = None
        self.id = None
        self.interrupted = False
        self._previous_handler = None

    @property
    def function(self):
        """The progress function: always passed, so that Ctrl-C stops the call at the next
        event even when no callback listens."""
        return _on_event

    def _on_sigint(self, signum, frame):
        # Python runs this at its next bytecode, which is inside the progress function: flag
        # the run there, and the function stops the C call (raising from inside a ctypes
        # callback would be swallowed).
        self.interrupted = True

    @property
    def user(self):
        return ctypes.c_void_p(self.id)

    def __enter__(self):
        with _lock:
            self.id = next(_ids)
            _runs[self.id] = self
        self.model._running += 1
        # Ctrl-C during the C call: only Python's own handler is replaced (a program with a
        # handler of its own keeps it), and only on the main thread, where signals arrive.
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous_handler = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc_info):
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None
        self.model._running -= 1
        with _lock:
            _runs.pop(self.id, None)
        return False

    def raise_error(self):
        """Raises the exception a hook raised during the call, if any, or KeyboardInterrupt
        when Ctrl-C stopped it."""
        if self.interrupted:
            self.interrupted = False
            self.error = None
            raise KeyboardInterrupt
        if self.error is not None:
            error, self.error = self.error, None
            raise error.with_traceback(error.__traceback__)

    def dispatch(self, event):
        logs = {}
        if event.struct_size >= _LOGS_END and event.log_count:
            names, values = event.log_names, event.log_values
            logs = {names[i].decode("utf-8"): values[i] for i in range(event.log_count)}
            logs = self.model._keras_logs(logs)
        callbacks = self.callbacks
        kind = event.kind
        if event.steps > 0 and callbacks.params is not None:
            if callbacks.params.get("steps") != event.steps and kind in (
                _lib.EVENT_TRAIN_BEGIN,
                _lib.EVENT_EPOCH_BEGIN,
                _lib.EVENT_TEST_BEGIN,
                _lib.EVENT_PREDICT_BEGIN,
            ):
                callbacks.set_params({**callbacks.params, "steps": int(event.steps)})
        if kind == _lib.EVENT_TRAIN_BATCH_BEGIN:
            callbacks.on_train_batch_begin(event.step, logs)
        elif kind == _lib.EVENT_TRAIN_BATCH_END:
            callbacks.on_train_batch_end(event.step, logs)
        elif kind == _lib.EVENT_EPOCH_BEGIN:
            callbacks.on_epoch_begin(event.epoch, logs)
        elif kind == _lib.EVENT_EPOCH_END:
            callbacks.on_epoch_end(event.epoch, logs)
        elif kind == _lib.EVENT_TRAIN_BEGIN:
            callbacks.on_train_begin(logs)
        elif kind == _lib.EVENT_TRAIN_END:
            callbacks.on_train_end(logs)
        elif kind == _lib.EVENT_TEST_BATCH_BEGIN:
            callbacks.on_test_batch_begin(event.step, logs)
        elif kind == _lib.EVENT_TEST_BATCH_END:
            callbacks.on_test_batch_end(event.step, logs)
        elif kind == _lib.EVENT_TEST_BEGIN:
            callbacks.on_test_begin(logs)
        elif kind == _lib.EVENT_TEST_END:
            callbacks.on_test_end(logs)
        elif kind == _lib.EVENT_PREDICT_BATCH_BEGIN:
            callbacks.on_predict_batch_begin(event.step, logs)
        elif kind == _lib.EVENT_PREDICT_BATCH_END:
            callbacks.on_predict_batch_end(event.step, logs)
        elif kind == _lib.EVENT_PREDICT_BEGIN:
            callbacks.on_predict_begin(logs)
        elif kind == _lib.EVENT_PREDICT_END:
            callbacks.on_predict_end(logs)


def _dispatch(event, user):
    run = _runs.get(user)
    if run is None:
        return 0
    if run.error is not None or run.interrupted:
        return 1  # a hook failed or Ctrl-C came: stop, and tell no more hooks
    if run.callbacks is None:
        return 0
    mask = run.hook_mask
    if mask is not None and not mask & _lib.EVENT_BIT(event.contents.kind):
        return 0
    try:
        run.dispatch(event.contents)
    except BaseException as error:  # noqa: BLE001 - raised again after the C call returns
        run.error = error
        return 1
    return 1 if run.interrupted else 0


_on_event = PROGRESS_FN(_dispatch)


# The hooks each event kind calls; an event no callback listens to is left out of fit's mask.
_HOOKS = {
    _lib.EVENT_TRAIN_BATCH_BEGIN: ("on_train_batch_begin", "on_batch_begin"),
    _lib.EVENT_TRAIN_BATCH_END: ("on_train_batch_end", "on_batch_end"),
    _lib.EVENT_TEST_BEGIN: ("on_test_begin",),
    _lib.EVENT_TEST_END: ("on_test_end",),
    _lib.EVENT_TEST_BATCH_BEGIN: ("on_test_batch_begin",),
    _lib.EVENT_TEST_BATCH_END: ("on_test_batch_end",),
    _lib.EVENT_PREDICT_BEGIN: ("on_predict_begin",),
    _lib.EVENT_PREDICT_END: ("on_predict_end",),
    _lib.EVENT_PREDICT_BATCH_BEGIN: ("on_predict_batch_begin",),
    _lib.EVENT_PREDICT_BATCH_END: ("on_predict_batch_end",),
}
_ALWAYS = (
    _lib.EVENT_TRAIN_BEGIN,
    _lib.EVENT_TRAIN_END,
    _lib.EVENT_EPOCH_BEGIN,
    _lib.EVENT_EPOCH_END,
)


def _overrides(callback, name):
    from .callbacks import Callback

    listens = getattr(callback, "_listens_to", None)
    if listens is not None and not listens(name):
        return False
    if name in vars(callback):
        return True
    return getattr(type(callback), name, None) is not getattr(Callback, name)


def event_mask(callbacks):
    """px_fit_options.event_mask for a CallbackList: the epoch and train events, and the
    others only when some callback overrides their hooks (no Python call per batch for a
    hook that does nothing)."""
    mask = 0
    for kind in _ALWAYS:
        mask |= _lib.EVENT_BIT(kind)
    for kind, names in _HOOKS.items():
        if any(_overrides(c, n) for c in callbacks.callbacks for n in names):
            mask |= _lib.EVENT_BIT(kind)
    return mask
