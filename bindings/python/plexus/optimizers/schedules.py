"""`plexus.optimizers.schedules`: learning rates that change with the optimizer's step.
Pass one as an optimizer's `learning_rate`; the optimizer's config then holds it serialized,
as Keras writes it, and the C library computes the rate at each step.
Equivalent to `keras.optimizers.schedules`."""

__all__ = [
    "LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
    "InverseTimeDecay", "CosineDecay", "serialize", "deserialize",
]  # fmt: skip

import math

import numpy as np


class LearningRateSchedule:
    """The base: a schedule is its class name and config; `schedule(step)` is its rate there
    (computed here in Python too, for callbacks and plots)."""

    _keras_module = "keras.optimizers.schedules"

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must implement get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (the exponent floored
    with `staircase`). Equivalent to `keras.optimizers.schedules.ExponentialDecay`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):  # fmt: skip
        if decay_steps <= 0:
            raise ValueError(
                f"Argument `decay_steps` must be > 0, received: decay_steps={decay_steps}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` for steps up to `boundaries[i]` (inclusive), `values[-1]` after the last.
    Equivalent to `keras.optimizers.schedules.PiecewiseConstantDecay`."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From `initial_learning_rate` to `end_learning_rate` over `decay_steps` along
    `(1 - step / decay_steps) ** power`; `cycle` restarts it past the end.
    Equivalent to `keras.optimizers.schedules.PolynomialDecay`."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):  # fmt: skip
        if decay_steps <= 0:
            raise ValueError(
                f"Argument `decay_steps` must be > 0, received: decay_steps={decay_steps}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        steps = self.decay_steps
        if self.cycle:
            steps = steps * max(math.ceil(step / steps), 1)
        else:
            step = min(step, steps)
        fraction = (1 - step / steps) ** self.power
        return (self.initial_learning_rate - self.end_learning_rate) * fraction + (
            self.end_learning_rate
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (the ratio floored
    with `staircase`). Equivalent to `keras.optimizers.schedules.InverseTimeDecay`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):  # fmt: skip
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """A cosine from `initial_learning_rate` down to `alpha` times it over `decay_steps`,
    after an optional linear warm-up to `warmup_target` over `warmup_steps`.
    Equivalent to `keras.optimizers.schedules.CosineDecay`."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):  # fmt: skip
        if decay_steps <= 0:
            raise ValueError(
                f"Argument `decay_steps` must be > 0, received: decay_steps={decay_steps}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        start = self.initial_learning_rate
        if self.warmup_target is not None and step < self.warmup_steps:
            return start + (self.warmup_target - start) * step / self.warmup_steps
        if self.warmup_target is not None:
            start = self.warmup_target
        step = min(step - self.warmup_steps, self.decay_steps)
        cosine = 0.5 * (1 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): a cosine from `initial_learning_rate` down to
    `alpha` times it over `first_decay_steps`, then again over periods `t_mul` times as long,
    each starting `m_mul` times as high. Equivalent to
    `keras.optimizers.schedules.CosineDecayRestarts`."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):  # fmt: skip
        if first_decay_steps <= 0:
            raise ValueError("Argument `first_decay_steps` must be > 0, received: "
                             f"first_decay_steps={first_decay_steps}")  # fmt: skip
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        # As Keras computes it, in tensor arithmetic: a log of a value ≤ 0, a power that
        # overflows or a division by 0 gives NaN or an infinity, not an error.
        with np.errstate(all="ignore"):
            fraction = np.float64(step) / self.first_decay_steps
            t_mul, m_mul = np.float64(self._t_mul), np.float64(self._m_mul)
            if t_mul == 1.0:
                restart = np.floor(fraction)
                fraction -= restart
            else:
                restart = np.floor(np.log(1.0 - fraction * (1.0 - t_mul)) / np.log(t_mul))
                before = (1.0 - t_mul**restart) / (1.0 - t_mul)
                fraction = (fraction - before) / t_mul**restart
            cosine = 0.5 * m_mul**restart * (1 + np.cos(np.pi * fraction))
            return float(self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_CLASSES = {
    cls.__name__: cls
    for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                CosineDecay, CosineDecayRestarts)
}  # fmt: skip


def serialize(schedule):
    """Keras's serialized form of a schedule."""
    from ..saving import serialize_keras_object

    return serialize_keras_object(schedule)


def deserialize(config):
    """The schedule a serialized `{"class_name", "config"}` describes."""
    try:
        cls = _CLASSES[config["class_name"]]
    except KeyError:
        raise ValueError(
            f"plexus.optimizers.schedules: unknown schedule {config.get('class_name')!r}; "
            f"known: {', '.join(_CLASSES)}"
        ) from None
    return cls.from_config(config.get("config", {}))
