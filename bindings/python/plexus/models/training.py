"""`compile`, `fit`, `evaluate`, `predict` and the `*_on_batch` calls, with Keras's
signatures, over px_model_compile / _fit / _evaluate / _predict / _train_on_batch."""

import ctypes
import json

import numpy as np

from .. import distribution as distribution_module
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from .._lib import (
    EVENT_BIT,
    EVENT_TRAIN_BATCH_END,
    OPTION_DEFAULT,
    OPTION_OFF,
    OPTION_ON,
    STEP_PREDICT,
    STEP_TEST,
    STEP_TRAIN,
    FitOptions,
    check,
    lib,
)
from .._progress import ProgressRun, event_mask
from ..callbacks import CallbackList, History, ProgbarLogger
from ..saving import serialize_keras_object
from ..tensor import to_numpy_fast
from . import _data, _datasets, _fast_batch
from ._arguments import (
    _check_class_weight,
    _class_weight_arrays,
    _jit_mode,
    _json_entry,
    _object_text,
    _per_output_metrics,
    _results,
    _sample_weight_tensor,
    _set_validation_freq,
    _unsupported,
    _verbosity,
    _warn_if_reduced,
)


class Trainer:
    """The training half of plexus.Model."""

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):  # fmt: skip
        """Configures training: an optimizer and a loss (names or plexus.optimizers /
        plexus.losses objects; a list or a dict by output name gives one loss per output) and
        metrics ("accuracy", plexus.metrics objects), computed on every output, or per output
        (a dict by output name, or a list of one list per output); `weighted_metrics`, one list
        for every output, are weighed by the sample weights (and class weights) `fit` and
        `evaluate` receive. Equivalent to `keras.Model.compile`."""
        if weighted_metrics is not None and (
            not isinstance(weighted_metrics, (list, tuple))
            or any(isinstance(m, (list, tuple, dict)) for m in weighted_metrics)
        ):
            raise ValueError(
                "compile: weighted_metrics must be one list of metrics (a model with one "
                f"output); received {weighted_metrics!r}"
            )
        weighted_texts = [_object_text(m, "a metric") for m in (weighted_metrics or [])]
        if weighted_texts:
            # Checked before px_model_compile, so that a bad one leaves the model as it was.
            if len(getattr(self, "output_names", None) or []) > 1:
                raise ValueError("compile: weighted_metrics need a model with one output")
            for text in weighted_texts:
                probe = ctypes.c_void_p()
                check(lib().px_metric_create(text.encode("utf-8"), ctypes.byref(probe)))
                lib().px_metric_release(probe)
        arguments = dict(
            optimizer=optimizer, loss=loss, loss_weights=loss_weights, metrics=metrics,
            weighted_metrics=weighted_metrics, run_eagerly=run_eagerly, jit_compile=jit_compile,
        )  # fmt: skip
        loss_text = None
        if isinstance(loss, (list, tuple, dict)):
            if isinstance(loss, dict):
                names = list(getattr(self, "output_names", None) or [])
                missing = [name for name in names if name not in loss]
                if not names or missing or len(loss) != len(names):
                    raise ValueError(
                        f"compile: a loss dict needs one entry per output {names}; "
                        f"received keys {list(loss)}"
                    )
                values = [loss[name] for name in names]
            else:
                values = list(loss)
            texts = [_object_text(value, "a loss") for value in values]
            if len(set(texts)) == 1:
                loss = values[0]
            else:
                # One loss per output: a JSON array of names and serialized objects.
                loss_text = json.dumps([_json_entry(t) for t in texts])
                loss = values[0]
        per_output = _per_output_metrics(metrics, list(getattr(self, "output_names", None) or []))
        if per_output is not None and len(per_output) == 1:
            # One output: its metrics are the model's.
            metrics, per_output = per_output[0], None
        if per_output is not None:
            # Keras's per-output metrics: one JSON entry, a list of one list per output.
            metric_texts = [json.dumps([[_json_entry(_object_text(m, "a metric")) for m in entry]
                                        for entry in per_output])]  # fmt: skip
            metrics = [m for entry in per_output for m in entry]
        else:
            metric_texts = [_object_text(m, "a metric") for m in (metrics or [])]
            metric_texts = list(dict.fromkeys(metric_texts))
        metric_array = (ctypes.c_char_p * max(len(metric_texts), 1))(
            *[text.encode("utf-8") for text in metric_texts]
        )
        self._sync_trainable()
        check(
            lib().px_model_compile(
                self._c,
                _object_text(optimizer, "an optimizer").encode("utf-8"),
                None if loss is None else (loss_text or _object_text(loss, "a loss")).encode("utf-8"),
                metric_array if metric_texts else None,
                len(metric_texts),
            )
        )
        if weighted_texts:
            weighted_array = (ctypes.c_char_p * len(weighted_texts))(
                *[text.encode("utf-8") for text in weighted_texts]
            )
            check(lib().px_model_set_weighted_metrics(self._c, weighted_array,
                                                      len(weighted_texts)))  # fmt: skip
        self.optimizer = optimizers_module.get(optimizer)
        if isinstance(self.optimizer, optimizers_module.Optimizer):
            self.optimizer._bind(self)  # its learning_rate is now the compiled model's
        # What compile was given, once the library took it (callbacks read the metrics, pop
        # compiles again); `loss` as given, as Keras's `model.loss`.
        self._compile_arguments = arguments
        self.loss = arguments["loss"]
        self.compiled_metrics = [metrics_module.get(m) for m in (metrics or [])]
        self.compiled_weighted_metrics = [metrics_module.get(m) for m in (weighted_metrics or [])]
        try:
            widths = {tensor.shape[-1] for tensor in self.outputs or []}
        except Exception:  # noqa: BLE001 - a model whose outputs are not known yet
            widths = set()
        for metric in self.compiled_metrics + self.compiled_weighted_metrics:
            _warn_if_reduced(metric, one_class=widths == {1})
        self.compiled = True
        self._jit_compile = _jit_mode(jit_compile)
        self._run_eagerly = bool(run_eagerly)
        self._set_execution()
        if loss_weights is not None:
            self._set_loss_weights(loss_weights)

    def get_compile_config(self):
        """What `compile` was given, serialized: the optimizer with its current settings, the
        loss, loss weights and metrics as given (objects as their configs), and the step
        switches; None before `compile`. Equivalent to `keras.Model.get_compile_config`."""
        arguments = getattr(self, "_compile_arguments", None)
        if not getattr(self, "compiled", False) or arguments is None:
            return None
        # Keras records "auto" as what it resolved to (compiled), and a model that runs
        # eagerly as not compiled.
        jit = False if self.run_eagerly else self.jit_compile
        return {
            "optimizer": serialize_keras_object(self.optimizer),
            "loss": _serialized(arguments["loss"]),
            "loss_weights": arguments["loss_weights"],
            "metrics": _serialized(arguments["metrics"]),
            "weighted_metrics": _serialized(arguments.get("weighted_metrics")),
            "run_eagerly": self.run_eagerly,
            "steps_per_execution": 1,
            "jit_compile": True if jit == "auto" else jit,
        }

    def compile_from_config(self, config):
        """Compiles the model as `config` (a `get_compile_config()`) says: serialized
        optimizers, losses and metrics become objects again. Equivalent to
        `keras.Model.compile_from_config`."""
        if not isinstance(config, dict):
            raise TypeError(f"compile_from_config needs a dict; received {config!r}")
        arguments = dict(config)
        if isinstance(arguments.get("optimizer"), dict):
            arguments["optimizer"] = optimizers_module.deserialize(arguments["optimizer"])
        arguments["loss"] = _deserialized(arguments.get("loss"), losses_module.get)
        arguments["metrics"] = _deserialized(arguments.get("metrics"), metrics_module.get)
        arguments["weighted_metrics"] = _deserialized(arguments.get("weighted_metrics"),
                                                      metrics_module.get)  # fmt: skip
        self.compile(**arguments)

    def _read_logs(self, handle):
        """The px_logs a call wrote into `handle` (released), under Keras's names; empty when
        the call wrote none."""
        return self._keras_logs(_data.read_logs(handle.value) if handle.value else {})

    def _set_loss_weights(self, loss_weights):
        """Keras's loss_weights: a list in output order, or a dict by output name."""
        if isinstance(loss_weights, dict):
            names = list(getattr(self, "output_names", None) or [])
            if not names or sorted(loss_weights) != sorted(names):
                raise ValueError(
                    f"compile: a loss_weights dict needs one entry per output {names}; "
                    f"received keys {list(loss_weights)}"
                )
            loss_weights = [loss_weights[name] for name in names]
        weights = [float(w) for w in loss_weights]
        array = (ctypes.c_double * max(len(weights), 1))(*weights)
        check(lib().px_model_set_loss_weights(self._c, array, len(weights)))

    # -- compiled or eager steps ------------------------------------------------------------

    def _set_execution(self):
        check(lib().px_model_set_execution(self._c, self._jit_compile, int(self._run_eagerly)))

    @property
    def jit_compile(self):
        """Whether fit, evaluate and predict run compiled (captured once per batch shape, then
        replayed): True, False or "auto" (compiled where a step can be replayed)."""
        modes = {OPTION_DEFAULT: "auto", OPTION_ON: True, OPTION_OFF: False}
        return modes[getattr(self, "_jit_compile", OPTION_DEFAULT)]

    @jit_compile.setter
    def jit_compile(self, value):
        self._jit_compile = _jit_mode(value)
        self._set_execution()

    @property
    def run_eagerly(self):
        """Whether every step runs eagerly, op by op (Keras's `model.run_eagerly`)."""
        return getattr(self, "_run_eagerly", False)

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)
        self._set_execution()

    def _step_counts(self, step="train"):
        """What a compiled step did: eager calls, captures, replays and retraces."""
        kinds = {"train": STEP_TRAIN, "test": STEP_TEST, "predict": STEP_PREDICT}
        counts = (ctypes.c_int64 * 4)()
        check(lib().px_model_step_counts(self._c, kinds[step], counts))
        return dict(zip(("eager", "captures", "replays", "retraces"), counts))

    # -- callbacks --------------------------------------------------------------------------

    def _callback_list(self, callbacks, verbose, epochs, steps):
        """The hooks to tell, or None when nothing listens (the C call then gets no progress
        function and runs without a round trip into Python per batch)."""
        callbacks = list(callbacks or [])
        current = distribution_module.distribution()
        if current is not None and not current.is_chief:
            # Under data parallelism process 0 alone prints and writes files.
            verbose = 0
            callbacks = [
                c for c in callbacks
                if not isinstance(c, ProgbarLogger) and not getattr(c, "runs_on_chief_only", False)
            ]  # fmt: skip
        if verbose and not any(isinstance(c, ProgbarLogger) for c in callbacks):
            callbacks.append(ProgbarLogger())
        if not callbacks:
            return None
        return CallbackList(callbacks, model=self, verbose=verbose, epochs=epochs, steps=steps)

    # -- fit --------------------------------------------------------------------------------

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):  # fmt: skip
        """Trains the model on NumPy arrays `x` (one per input: an array, a list, or a dict by
        input name) and `y` (one per output). Returns a History whose `.history` maps
        "loss", the metrics and their "val_" forms to one value per epoch.
        `x` may also be a `plexus.utils.PyDataset` or a generator of batches (then `y` and
        `batch_size` stay unset, and `validation_data` is a PyDataset or a generator too);
        `steps_per_epoch` and `validation_steps` take that many batches from them per epoch.
        Equivalent to `keras.Model.fit`."""
        if epochs <= initial_epoch:
            # Keras's epoch loop is range(initial_epoch, epochs): no epoch, no step.
            return self._fit_no_epochs(callbacks, verbose, epochs)
        x = _datasets.as_dataset(x, steps_per_epoch, "fit", "steps_per_epoch")
        if validation_data is not None and not isinstance(validation_data, (tuple, list)):
            # Keras validates on the same first batches of a generator every epoch.
            validation_data = _datasets.as_dataset(validation_data, validation_steps,
                                                   "fit: validation_data", "validation_steps",
                                                   replay=True)  # fmt: skip
        elif validation_steps is not None:
            raise NotImplementedError("plexus: validation_steps with validation arrays is not "
                                      "supported yet")  # fmt: skip
        elif validation_data is not None and _datasets.is_dataset(x):
            # Arrays validating a fit over batches: in batches of validation_batch_size (32).
            validation_data = _datasets.ArrayBatches(validation_data, validation_batch_size or 32)
            validation_batch_size = None
        if _datasets.is_dataset(x):
            if y is not None or batch_size is not None or validation_split:
                raise ValueError("fit: with a PyDataset, y, batch_size and validation_split "
                                 "must stay unset: the dataset makes the batches")  # fmt: skip
            if sample_weight is not None:
                raise ValueError("fit: with a PyDataset, sample_weight must stay unset: the "
                                 "dataset's batches carry their weights, (x, y, sample_weight)")  # fmt: skip
            _unsupported(validation_batch_size=validation_batch_size)
            _check_class_weight(class_weight, "fit")
            return self._fit_dataset(x, epochs, verbose, callbacks, validation_data,
                                     initial_epoch, class_weight, validation_freq)  # fmt: skip
        if shuffle not in (True, False):
            raise NotImplementedError(f"plexus: shuffle={shuffle!r} not supported yet")
        verbose = _verbosity(verbose)
        xs = _data.to_tensors(x, self.input_names, "fit: x")
        ys = _data.to_tensors(y, self.output_names, "fit: y")
        options = FitOptions()
        options.struct_size = ctypes.sizeof(FitOptions)
        options.verbose = 0  # the bar is drawn here, from the progress events
        options.batch_size = batch_size or 0
        options.epochs = epochs
        options.initial_epoch = initial_epoch
        options.validation_split = validation_split or 0.0
        options.validation_batch_size = validation_batch_size or 0
        options.shuffle = OPTION_ON if shuffle else OPTION_OFF
        keep = [xs, ys, _set_validation_freq(options, validation_freq)]
        weights = _sample_weight_tensor(sample_weight, "fit: sample_weight")
        if weights is not None:
            options.sample_weight = weights.handle
            keep.append(weights)
        classes = _class_weight_arrays(class_weight, "fit")
        if classes is not None:
            options.class_weight_classes, options.class_weight_values = classes
            options.class_weight_count = len(class_weight)
            keep.append(classes)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError("fit: validation_data is (x_val, y_val) or (x_val, y_val, "
                                 "val_sample_weight)")  # fmt: skip
            if len(validation_data) == 3 and validation_data[2] is not None:
                validation_weights = _sample_weight_tensor(
                    validation_data[2], "fit: validation_data sample weights")
                options.validation_sample_weight = validation_weights.handle
                keep.append(validation_weights)
            vx = _data.to_tensors(validation_data[0], self.input_names, "fit: validation x")
            vy = _data.to_tensors(validation_data[1], self.output_names, "fit: validation y")
            vx_handles, vy_handles = _data.handles(vx), _data.handles(vy)
            keep += [vx, vy, vx_handles, vy_handles]
            options.validation_x = ctypes.cast(vx_handles, ctypes.POINTER(ctypes.c_void_p))
            options.validation_x_count = len(vx)
            options.validation_y = ctypes.cast(vy_handles, ctypes.POINTER(ctypes.c_void_p))
            options.validation_y_count = len(vy)
        samples = xs[0].shape[0] if xs[0].shape else 0
        split = options.validation_split if validation_data is None else 0.0
        train = samples - int(samples * split)
        steps = -(-train // (batch_size or 32)) if train else 0
        hooks = self._callback_list(callbacks, verbose, epochs, steps)
        # Batch ends always reach Python, where Ctrl-C is noticed; hooks hear only what they
        # listen to (`hook_mask`).
        hook_mask = event_mask(hooks) if hooks is not None else 0
        options.event_mask = hook_mask | EVENT_BIT(EVENT_TRAIN_BATCH_END)
        user_history, epoch_logs = self._history_listeners(hooks)
        self._stop_training = False
        history_handle = ctypes.c_void_p()
        handle = self._c
        with ProgressRun(self, hooks, hook_mask) as run:
            status = lib().px_model_fit(
                handle, _data.handles(xs), len(xs), _data.handles(ys), len(ys),
                ctypes.byref(options), run.function, run.user, ctypes.byref(history_handle),
            )  # fmt: skip
        # Read (and release) what the call made before raising what a hook raised.
        logs = self._read_logs(history_handle)
        run.raise_error()
        check(status)
        del keep
        return self._finish_history(logs, user_history, epoch_logs, initial_epoch,
                                    {"verbose": verbose, "epochs": epochs, "steps": steps})  # fmt: skip

    def _history_listeners(self, hooks):
        """(the History among the callbacks or None, a History appended last or None). The C
        library's history has what it logged; a History last in the list (as Keras places its
        own) also sees what the callbacks add to or change in the epoch logs."""
        callbacks = hooks.callbacks if hooks is not None else []
        user_history = next((c for c in callbacks if isinstance(c, History)), None)
        if hooks is None or user_history is not None:
            return user_history, None
        listener = History()
        hooks.append(listener)
        listener.set_model(self)
        return None, listener

    def _finish_history(self, logs, user_history, listener, initial_epoch, params):
        """The History fit returns: the user's, or one of the library's logs overlaid with
        what the callbacks saw and changed (Keras's History records the logs dict they
        share)."""
        if user_history is not None:
            history = user_history
        else:
            history = History()
            history.set_model(self)
            logs.update(listener.history if listener is not None else {})
            history.history = logs
            lengths = [len(values) for values in logs.values()]
            history.epoch = list(range(initial_epoch, initial_epoch + max(lengths, default=0)))
        history.set_params(params)
        self.history = history
        return history

    def _fit_no_epochs(self, callbacks, verbose, epochs):
        """fit with nothing to train: the callbacks hear the training begin and end."""
        if not self.compiled:
            from ..errors import InvalidStateError

            raise InvalidStateError(f"fit: model '{self.name}' is not compiled; call compile() "
                                    "first")  # fmt: skip
        verbose = _verbosity(verbose)
        hooks = self._callback_list(callbacks, verbose, epochs, 0)
        user_history = next((c for c in (hooks.callbacks if hooks else [])
                             if isinstance(c, History)), None)  # fmt: skip
        if hooks is not None:
            hooks.on_train_begin({})
            hooks.on_train_end({})
        return self._finish_history({}, user_history, None, 0,
                                    {"verbose": verbose, "epochs": epochs, "steps": 0})  # fmt: skip

    def _fit_dataset(self, dataset, epochs, verbose, callbacks, validation_data,
                     initial_epoch, class_weight, validation_freq=1):  # fmt: skip
        """`fit` over a PyDataset (and an optional validation PyDataset). `class_weight`
        weighs the training batches only, as Keras's."""
        if validation_data is not None and not _datasets.is_dataset(validation_data):
            raise ValueError("fit: with a PyDataset, validation_data must be a PyDataset too")
        verbose = _verbosity(verbose)
        training = _datasets.CDataset(dataset, self, what="fit", class_weight=class_weight)
        validating = (
            _datasets.CDataset(validation_data, self, what="fit: validation_data")
            if validation_data is not None else None
        )  # fmt: skip
        options = FitOptions()
        options.struct_size = ctypes.sizeof(FitOptions)
        options.epochs = epochs
        options.initial_epoch = initial_epoch
        frequency = _set_validation_freq(options, validation_freq)
        steps = len(dataset)
        hooks = self._callback_list(callbacks, verbose, epochs, steps)
        hook_mask = event_mask(hooks) if hooks is not None else 0
        options.event_mask = hook_mask | EVENT_BIT(EVENT_TRAIN_BATCH_END)
        user_history, epoch_logs = self._history_listeners(hooks)
        self._stop_training = False
        history_handle = ctypes.c_void_p()
        with ProgressRun(self, hooks, hook_mask) as run:
            status = lib().px_model_fit_dataset(
                self._c, ctypes.byref(training.struct), ctypes.byref(options),
                ctypes.byref(validating.struct) if validating is not None else None,
                run.function, run.user, ctypes.byref(history_handle),
            )  # fmt: skip
        logs = self._read_logs(history_handle)
        training.raise_error()
        if validating is not None:
            validating.raise_error()
        run.raise_error()
        check(status)
        del frequency  # the epochs list, kept alive for the call
        return self._finish_history(logs, user_history, epoch_logs, initial_epoch,
                                    {"verbose": verbose, "epochs": epochs, "steps": steps})  # fmt: skip

    # -- evaluate ---------------------------------------------------------------------------

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):  # fmt: skip
        """The loss and metrics on `x`, `y`: a scalar (the loss alone), a list (loss first),
        or a dict with `return_dict=True`. `x` may be a `plexus.utils.PyDataset` or a generator
        of batches (`steps` of them).
        `sample_weight` (one per sample) weighs each sample's loss; metrics stay unweighted,
        as Keras's `metrics` do. Equivalent to `keras.Model.evaluate`."""
        x = _datasets.as_dataset(x, steps, "evaluate")
        if kwargs:
            raise TypeError(f"Invalid keyword arguments: {sorted(kwargs)}")
        verbose = _verbosity(verbose)
        if _datasets.is_dataset(x):
            if y is not None or batch_size is not None or sample_weight is not None:
                raise ValueError("evaluate: with a PyDataset, y, batch_size and sample_weight "
                                 "must stay unset: the dataset makes the batches")  # fmt: skip
            data = _datasets.CDataset(x, self, what="evaluate")
            hooks = self._callback_list(callbacks, verbose, 1, len(x))
            logs_handle = ctypes.c_void_p()
            with ProgressRun(self, hooks) as run:
                status = lib().px_model_evaluate_dataset(
                    self._c, ctypes.byref(data.struct), run.function, run.user,
                    ctypes.byref(logs_handle))  # fmt: skip
            logs = self._read_logs(logs_handle)
            data.raise_error()
            run.raise_error()
            check(status)
            return _results(_data.last_values(logs), return_dict)
        xs = _data.to_tensors(x, self.input_names, "evaluate: x")
        ys = _data.to_tensors(y, self.output_names, "evaluate: y")
        samples = xs[0].shape[0] if xs[0].shape else 0
        hooks = self._callback_list(callbacks, verbose, 1, -(-samples // (batch_size or 32)))
        weights = _sample_weight_tensor(sample_weight, "evaluate: sample_weight")
        logs_handle = ctypes.c_void_p()
        handle = self._c
        with ProgressRun(self, hooks) as run:
            status = lib().px_model_evaluate_weighted(
                handle, _data.handles(xs), len(xs), _data.handles(ys), len(ys),
                weights.handle if weights is not None else None, batch_size or 0,
                run.function, run.user, ctypes.byref(logs_handle),
            )  # fmt: skip
        logs = self._read_logs(logs_handle)
        run.raise_error()
        check(status)
        return _results(_data.last_values(logs), return_dict)

    # -- predict ----------------------------------------------------------------------------

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for `x` as NumPy arrays (a list for several outputs).
        `x` may be a `plexus.utils.PyDataset` or a generator of batches (`steps` of them; their
        targets are ignored).
        Equivalent to `keras.Model.predict`."""
        x = _datasets.as_dataset(x, steps, "predict")
        verbose = _verbosity(verbose)
        if _datasets.is_dataset(x):
            return self._predict_dataset(x, verbose, callbacks)
        xs = _data.to_tensors(x, self.input_names, "predict: x")
        samples = xs[0].shape[0] if xs[0].shape else 0
        hooks = self._callback_list(callbacks, verbose, 1, -(-samples // (batch_size or 32)))
        handle = self._c
        count = ctypes.c_size_t()
        check(lib().px_model_output_count(handle, ctypes.byref(count)))
        outputs = (ctypes.c_void_p * max(count.value, 1))()
        with ProgressRun(self, hooks) as run:
            status = lib().px_model_predict(
                handle, _data.handles(xs), len(xs), batch_size or 0, run.function, run.user,
                outputs, count.value,
            )  # fmt: skip
        from ..tensor import Tensor

        tensors = [Tensor(outputs[i]) for i in range(count.value) if outputs[i]]
        run.raise_error()
        check(status)
        return self._structured([tensor.numpy() for tensor in tensors])

    def _predict_dataset(self, dataset, verbose, callbacks):
        """`predict` over a PyDataset."""
        from ..tensor import Tensor

        data = _datasets.CDataset(dataset, self, targets=False, what="predict")
        hooks = self._callback_list(callbacks, verbose, 1, len(dataset))
        count = ctypes.c_size_t()
        check(lib().px_model_output_count(self._c, ctypes.byref(count)))
        outputs = (ctypes.c_void_p * max(count.value, 1))()
        with ProgressRun(self, hooks) as run:
            status = lib().px_model_predict_dataset(
                self._c, ctypes.byref(data.struct), run.function, run.user, outputs,
                count.value)  # fmt: skip
        tensors = [Tensor(outputs[i]) for i in range(count.value) if outputs[i]]
        data.raise_error()
        run.raise_error()
        check(status)
        arrays = [tensor.numpy() for tensor in tensors]
        return self._structured(arrays)

    def predict_on_batch(self, x):
        """The outputs for one batch, as NumPy arrays. Equivalent to
        `keras.Model.predict_on_batch`."""
        if type(x) is np.ndarray:
            result = _fast_batch.predict_small(self, x)
            if result is not None:
                return result
        tensors = _data.to_tensors(x, self.input_names, "predict_on_batch: x")
        arrays = [to_numpy_fast(t) for t in self._run_on_batch(tensors)]
        return self._structured(arrays)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):  # fmt: skip
        """One optimizer step on one batch; returns the loss (and metrics) like `evaluate`.
        `sample_weight` or `class_weight` weigh the samples' losses as in `fit`.
        Equivalent to `keras.Model.train_on_batch`."""
        xs = _data.to_tensors(x, self.input_names, "train_on_batch: x")
        ys = _data.to_tensors(y, self.output_names, "train_on_batch: y")
        weights = _sample_weight_tensor(sample_weight, "train_on_batch: sample_weight")
        classes = _class_weight_arrays(class_weight, "train_on_batch")
        logs_handle = ctypes.c_void_p()
        check(
            lib().px_model_train_on_batch_weighted(
                self._c, _data.handles(xs), len(xs), _data.handles(ys), len(ys),
                weights.handle if weights is not None else None,
                classes[0] if classes else None, classes[1] if classes else None,
                len(class_weight) if classes else 0, ctypes.byref(logs_handle),
            )
        )  # fmt: skip
        logs = _data.last_values(self._read_logs(logs_handle))
        return _results(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss (and metrics) on one batch, without training. Equivalent to
        `keras.Model.test_on_batch`."""
        xs = _data.to_tensors(x, self.input_names, "test_on_batch: x")
        samples = xs[0].shape[0] if xs[0].shape else 1
        return self.evaluate(x, y, batch_size=max(samples, 1), verbose=0,
                             sample_weight=sample_weight, return_dict=return_dict)  # fmt: skip


def _serialized(value):
    """A compile argument with its objects serialized, lists and dicts (per output) kept."""
    if isinstance(value, (list, tuple)):
        return [_serialized(entry) for entry in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _serialized(entry) for key, entry in value.items()}
    return serialize_keras_object(value)


def _deserialized(value, get):
    """A serialized compile argument with its objects made again by `get`, lists and dicts
    (per output) kept."""
    if isinstance(value, (list, tuple)):
        return [_deserialized(entry, get) for entry in value]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _deserialized(entry, get) for key, entry in value.items()}
    if isinstance(value, dict):
        return get(value)
    return value
