"""`plexus.optimizers`: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam and Lion
with Keras's arguments, and learning-rate schedules (`plexus.optimizers.schedules`); each is
its Keras config, which `model.compile` hands to the C library.
Equivalent to `keras.optimizers`."""

import ctypes
import math
import struct
import weakref

import numpy as np

from .._lib import check, lib
from ..saving import to_snake_case
from . import schedules

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam",
    "Lion", "schedules", "get",
]  # fmt: skip


def _float32(value):
    """`value` as Keras writes a learning rate: read back from a float32 variable."""
    return struct.unpack("f", struct.pack("f", value))[0]


class _Number(float):
    """A learning rate read from an optimizer: a float with the methods of the Keras variable
    it stands for, so `optimizer.learning_rate.assign(1e-4)` and `.numpy()` work as in
    Keras."""

    def __new__(cls, value, optimizer):
        number = super().__new__(cls, value)
        number._optimizer = optimizer
        return number

    def assign(self, value):
        """Sets the optimizer's learning rate (as `optimizer.learning_rate = value`)."""
        self._optimizer.learning_rate = float(value)

    def numpy(self):
        return np.float32(self)


class _Count(int):
    """A step count read from an optimizer: an int with Keras's variable's `numpy()`."""

    def numpy(self):
        return np.int64(self)


class Optimizer:
    """The settings every Keras optimizer has. Once `model.compile` has been given it, the
    optimizer is bound to that model: `learning_rate` reads and sets the compiled model's
    current rate, and `iterations` counts its steps."""

    _keras_module = "keras.optimizers"
    _model_ref = None  # a weak reference to the model compiled with this optimizer

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):  # fmt: skip
        if kwargs:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        self.name = name if name is not None else to_snake_case(type(self).__name__)
        if isinstance(learning_rate, dict):
            learning_rate = schedules.deserialize(learning_rate)
        elif not isinstance(learning_rate, (int, float, schedules.LearningRateSchedule)):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of "
                "plexus.optimizers.schedules.LearningRateSchedule. "
                f"Received: learning_rate={learning_rate!r}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]; received {ema_momentum}")
        self._learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps

    def _bind(self, model):
        """Binds the optimizer to `model`, which `model.compile` has just compiled with it."""
        self._model_ref = weakref.ref(model)

    def _compiled_model(self):
        """The px_model handle of the model compiled with this optimizer, or None (not
        compiled, the model gone, or compiled since with another optimizer)."""
        model = self._model_ref() if self._model_ref is not None else None
        if model is None or model.optimizer is not self or model._handle is None:
            return None
        return model._handle

    @property
    def learning_rate(self):
        """The learning rate: after `model.compile`, the compiled model's rate for the next
        step (a schedule's value at the current step); before, what the optimizer was made
        with. Assigning a number sets a fixed rate (from a callback too), replacing a
        schedule. Equivalent to `keras.optimizers.Optimizer.learning_rate`."""
        handle = self._compiled_model()
        if handle is None:
            rate = self._learning_rate
            if isinstance(rate, schedules.LearningRateSchedule):
                rate = float(rate(0))  # Keras's: the schedule's value at the current step
            return _Number(rate, self)
        rate = ctypes.c_double()
        check(lib().px_model_learning_rate(handle, ctypes.byref(rate)))
        return _Number(rate.value, self)

    @learning_rate.setter
    def learning_rate(self, value):
        handle = self._compiled_model()
        if handle is None:
            self._learning_rate = value
            return
        if isinstance(value, schedules.LearningRateSchedule):
            raise NotImplementedError(
                "plexus: a compiled optimizer's learning rate is set as a float; to train "
                "with a schedule, compile the model with an optimizer made with it"
            )
        rate = float(value)
        if not math.isfinite(rate) or rate < 0:
            raise ValueError(f"`learning_rate` must be a finite number >= 0; received {value!r}")
        check(lib().px_model_set_learning_rate(handle, rate))
        self._learning_rate = rate  # what get_config reports, as Keras's does after a set

    @property
    def iterations(self):
        """The number of optimizer steps applied so far (0 before `model.compile`).
        Equivalent to `keras.optimizers.Optimizer.iterations`."""
        handle = self._compiled_model()
        if handle is None:
            return 0
        count = ctypes.c_int64()
        check(lib().px_model_iterations(handle, ctypes.byref(count)))
        return _Count(count.value)

    def get_config(self):
        learning_rate = self._learning_rate
        if hasattr(learning_rate, "get_config"):
            from ..saving import serialize_keras_object

            learning_rate = serialize_keras_object(learning_rate)
        elif isinstance(learning_rate, (int, float)):
            learning_rate = _float32(learning_rate)
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self._learning_rate}>"


class SGD(Optimizer):
    """Gradient descent, with momentum and Nesterov momentum.
    Equivalent to `keras.optimizers.SGD`."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam. Equivalent to `keras.optimizers.Adam`."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):  # fmt: skip
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay. Equivalent to `keras.optimizers.AdamW`."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, **kwargs):  # fmt: skip
        super().__init__(
            learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
            weight_decay=weight_decay, **kwargs,
        )  # fmt: skip


class RMSprop(Optimizer):
    """RMSprop. Equivalent to `keras.optimizers.RMSprop`."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):  # fmt: skip
        super().__init__(learning_rate, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class Adagrad(Optimizer):
    """Per-parameter rates scaled by the accumulated squared gradients.
    Equivalent to `keras.optimizers.Adagrad`."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):  # fmt: skip
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class Adadelta(Optimizer):
    """Adadelta: steps scaled by running averages of squared gradients and updates.
    Equivalent to `keras.optimizers.Adadelta`."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adamax(Optimizer):
    """Adam with the infinity norm of past gradients. Equivalent to
    `keras.optimizers.Adamax`."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class Nadam(Adamax):
    """Adam with Nesterov momentum. Equivalent to `keras.optimizers.Nadam`."""


class Lion(Optimizer):
    """Lion (Chen et al., 2023): steps by the sign of interpolated momentum.
    Equivalent to `keras.optimizers.Lion`."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                f"Argument for `beta_1` must be in range (0, 1]. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


_NAMES = {
    "sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad,
    "adadelta": Adadelta, "adamax": Adamax, "nadam": Nadam, "lion": Lion,
}  # fmt: skip


_CLASSES = {cls.__name__: cls for cls in set(_NAMES.values())}


def get(identifier):
    """An optimizer for a Keras name ("adam"), a serialized optimizer (a dict with
    "class_name" and "config") or an object (kept). Equivalent to `keras.optimizers.get`."""
    if isinstance(identifier, str):
        cls = _NAMES.get(identifier.lower()) or _CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"unknown optimizer {identifier!r}; known: {', '.join(_NAMES)}")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    return identifier


def serialize(optimizer):
    """The optimizer as Keras serializes it: {"module", "class_name", "config", ...}.
    Equivalent to `keras.optimizers.serialize`."""
    from ..saving import serialize_keras_object

    return serialize_keras_object(optimizer)


def deserialize(config):
    """An optimizer from its serialized form (a dict with "class_name" and "config"), a
    schedule as its learning rate included. Equivalent to `keras.optimizers.deserialize`."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"optimizers.deserialize needs a dict with 'class_name'; received "
                         f"{config!r}")  # fmt: skip
    name = config["class_name"]
    cls = _CLASSES.get(name) or _NAMES.get(str(name).lower())
    if cls is None:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(sorted(_CLASSES))}")
    settings = dict(config.get("config") or {})
    if isinstance(settings.get("learning_rate"), dict):
        settings["learning_rate"] = schedules.deserialize(settings["learning_rate"])
    return cls.from_config(settings)
