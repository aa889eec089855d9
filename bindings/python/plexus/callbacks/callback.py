"""The callback base and the list that dispatches to several callbacks, as Keras's
`keras.callbacks.Callback` and `CallbackList`."""

__all__ = ["Callback", "CallbackList"]


class Callback:
    """The base of callbacks: override the hooks you need. `self.model` is the model being
    trained, `self.params` holds "verbose", "epochs" and "steps".

    ```python
    class Stop(plexus.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["loss"] < 0.1:
                self.model.stop_training = True
    ```
    Equivalent to `keras.callbacks.Callback`.

    Under `plexus.distribution.DataParallel`, a callback whose `runs_on_chief_only` is True
    (it writes files or prints: ModelCheckpoint, CSVLogger, the progress bar) runs on process
    0 only; the others run everywhere, on the logs of the whole batch."""

    runs_on_chief_only = False

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    def on_batch_begin(self, batch, logs=None):
        """A legacy alias of `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """A legacy alias of `on_train_batch_end`."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


class CallbackList(Callback):
    """Several callbacks behind one: each hook calls every callback in order.
    Equivalent to `keras.callbacks.CallbackList`."""

    def __init__(self, callbacks=None, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for callback in self.callbacks:
            callback.set_model(model)

    def _each(name):  # noqa: N805 - builds the hooks below
        def hook(self, *args, **kwargs):
            for callback in self.callbacks:
                getattr(callback, name)(*args, **kwargs)

        hook.__name__ = name
        return hook

    on_batch_begin = _each("on_batch_begin")
    on_batch_end = _each("on_batch_end")
    on_epoch_begin = _each("on_epoch_begin")
    on_epoch_end = _each("on_epoch_end")
    on_train_batch_begin = _each("on_train_batch_begin")
    on_train_batch_end = _each("on_train_batch_end")
    on_test_batch_begin = _each("on_test_batch_begin")
    on_test_batch_end = _each("on_test_batch_end")
    on_predict_batch_begin = _each("on_predict_batch_begin")
    on_predict_batch_end = _each("on_predict_batch_end")
    on_train_begin = _each("on_train_begin")
    on_train_end = _each("on_train_end")
    on_test_begin = _each("on_test_begin")
    on_test_end = _each("on_test_end")
    on_predict_begin = _each("on_predict_begin")
    on_predict_end = _each("on_predict_end")
    del _each
