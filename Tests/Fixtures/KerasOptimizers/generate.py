"""Keras 3's side of Plexus's optimizer and schedule parity fixtures (run by generate.sh).

  python generate.py DIR     writes DIR/<case>.json, DIR/schedules.json and DIR/configs.json

Each optimizer case builds Keras's Sequential([Input((3,)), Dense(4, relu), Dense(2)]), gives it
float32 weights from a seeded NumPy generator and applies three fixed float32 gradient steps
(`optimizer.apply`), then calls `finalize_variable_values` (what `fit` does at its end). It
writes, as JSON:

  optimizer        serialize_keras_object(optimizer): the config Plexus must rebuild and write
  variables        the model's trainable variables before the first step, in Keras's order
  gradients        per step, one gradient per variable
  weights          per step, every variable after the step
  finalized        every variable after finalize_variable_values
  iterations       optimizer.iterations at the end
  learning_rate_variable   whether optimizer.variables holds a learning_rate (not a schedule)
  state            optimizer.variables without iterations and learning_rate, in Keras's order:
                   each with its Keras name, the index of the model variable it belongs to
                   (null for Nadam's product) and its slot name ("momentum", "average", ...)

The config comes from an optimizer made under float32 (Keras writes a fixed learning rate read
back from its float32 variable); the steps run under floatx float64 with JAX's x64 enabled, so
the numbers are the exact answer on the float32 inputs. Tensors are {"shape", "values"}.

schedules.json holds, per schedule case, serialize_keras_object(schedule), a list of steps and
the schedule's value at each (computed under float64, though Keras's ops.cos returns float32, so
cosine schedules carry float32 rounding); configs.json holds serialized optimizers (defaults from
keras.optimizers.get and fully set ones) for the config round trip.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import optimizers  # noqa: E402
from keras.optimizers import schedules  # noqa: E402
from keras.saving import serialize_keras_object  # noqa: E402

O = optimizers
S = schedules
# Gradients of steps 2 and 3 are scaled down so that amsgrad's maximum matters.
GRADIENT_SCALES = [1.0, 0.2, 0.6]

# name: a function making the optimizer (called twice: for the config and for the steps)
CASES = {
    "adagrad": lambda: O.Adagrad(learning_rate=0.1, initial_accumulator_value=0.2, epsilon=1e-6),
    "adadelta": lambda: O.Adadelta(learning_rate=1.0, rho=0.9),
    "adamax": lambda: O.Adamax(learning_rate=0.01, beta_1=0.8),
    "nadam": lambda: O.Nadam(learning_rate=0.01),
    "lion": lambda: O.Lion(learning_rate=0.01, beta_1=0.8, weight_decay=0.1),
    "adam_amsgrad": lambda: O.Adam(learning_rate=0.01, beta_2=0.5, amsgrad=True, name="adam_ams"),
    "adamw_amsgrad": lambda: O.AdamW(
        learning_rate=0.01, weight_decay=0.05, beta_2=0.5, amsgrad=True, name="adamw_ams"
    ),
    "adam_ema": lambda: O.Adam(learning_rate=0.05, use_ema=True, ema_momentum=0.9, name="adam_ema"),
    "sgd_ema_overwrite": lambda: O.SGD(
        learning_rate=0.1, momentum=0.9, use_ema=True, ema_momentum=0.8,
        ema_overwrite_frequency=2, name="sgd_ema",
    ),
    "nadam_ema": lambda: O.Nadam(
        learning_rate=0.01, use_ema=True, ema_momentum=0.5, name="nadam_ema"
    ),
    "adam_amsgrad_ema": lambda: O.Adam(
        learning_rate=0.01, beta_2=0.5, amsgrad=True, use_ema=True, name="adam_ams_ema"
    ),
    "rmsprop_centered_momentum": lambda: O.RMSprop(
        learning_rate=0.01, momentum=0.5, centered=True, name="rmsprop_all"
    ),
    "adam_exponential_decay": lambda: O.Adam(
        learning_rate=S.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5), name="adam_decay"
    ),
    "sgd_piecewise_constant": lambda: O.SGD(
        learning_rate=S.PiecewiseConstantDecay([0, 1], [0.1, 0.05, 0.01]), momentum=0.5,
        name="sgd_piecewise",
    ),
    "adamw_cosine_warmup": lambda: O.AdamW(
        learning_rate=S.CosineDecay(0.0, decay_steps=4, warmup_target=0.1, warmup_steps=2),
        weight_decay=0.1, name="adamw_cosine",
    ),
    # Steps 1 and 2 accumulate, step 2 updates with their mean, step 3 accumulates again.
    "adam_accumulate_2": lambda: O.Adam(
        learning_rate=0.05, gradient_accumulation_steps=2, clipnorm=0.5, name="adam_accumulate"
    ),
    # Steps 1 and 2 accumulate (the moving averages still move), step 3 updates.
    "sgd_accumulate_3_ema": lambda: O.SGD(
        learning_rate=S.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5), momentum=0.5,
        use_ema=True, ema_momentum=0.7, gradient_accumulation_steps=3, name="sgd_accumulate",
    ),
}

SCHEDULE_STEPS = [0, 1, 2, 3, 5, 10, 49, 50, 51, 99, 100, 101, 150, 999, 1000, 1001, 5000, 100000]
SCHEDULES = {
    "exponential": lambda: S.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96),
    "exponential_staircase": lambda: S.ExponentialDecay(
        0.1, decay_steps=100, decay_rate=0.5, staircase=True, name="stairs"
    ),
    "piecewise_constant": lambda: S.PiecewiseConstantDecay([100, 1000], [1.0, 0.5, 0.1]),
    "polynomial": lambda: S.PolynomialDecay(0.1, 1000, end_learning_rate=0.01, power=0.5),
    "polynomial_defaults": lambda: S.PolynomialDecay(0.1, 1000),
    "polynomial_cycle": lambda: S.PolynomialDecay(
        0.1, 100, end_learning_rate=0.001, power=2.0, cycle=True
    ),
    "inverse_time": lambda: S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5),
    "inverse_time_staircase": lambda: S.InverseTimeDecay(
        0.1, decay_steps=10, decay_rate=0.5, staircase=True
    ),
    "cosine": lambda: S.CosineDecay(0.1, 1000),
    "cosine_alpha": lambda: S.CosineDecay(0.1, 1000, alpha=0.1, name="my_cosine"),
    "cosine_warmup": lambda: S.CosineDecay(0.0, 1000, warmup_target=0.1, warmup_steps=100),
    "cosine_warmup_alpha": lambda: S.CosineDecay(
        0.01, 500, alpha=0.05, warmup_target=0.2, warmup_steps=50
    ),
    "cosine_restarts": lambda: S.CosineDecayRestarts(0.1, 100),
    "cosine_restarts_constant_periods": lambda: S.CosineDecayRestarts(
        0.1, 50, t_mul=1.0, m_mul=0.5, alpha=0.1, name="sgdr"
    ),
    "cosine_restarts_shrinking": lambda: S.CosineDecayRestarts(0.05, 40, t_mul=1.5, m_mul=0.9),
}

CONFIGS = {
    **{f"{name}_defaults": (lambda name=name: O.get(name)) for name in [
        "adagrad", "adadelta", "adamax", "nadam", "lion", "adam", "adamw", "sgd",
    ]},
    "adagrad_full": lambda: O.Adagrad(
        learning_rate=0.01, initial_accumulator_value=0.5, epsilon=1e-5, clipnorm=1.0,
        use_ema=True, ema_momentum=0.95, ema_overwrite_frequency=10, name="my_adagrad",
    ),
    "adadelta_full": lambda: O.Adadelta(
        learning_rate=0.5, rho=0.8, epsilon=1e-6, weight_decay=0.01, clipvalue=0.5
    ),
    "adamax_full": lambda: O.Adamax(
        learning_rate=0.002, beta_1=0.85, beta_2=0.99, epsilon=1e-8, global_clipnorm=2.0
    ),
    "nadam_full": lambda: O.Nadam(
        learning_rate=0.002, beta_1=0.95, beta_2=0.9, epsilon=1e-6, use_ema=True
    ),
    "lion_full": lambda: O.Lion(learning_rate=3e-4, beta_1=0.95, beta_2=0.98, weight_decay=0.5),
    "adam_amsgrad_schedule": lambda: O.Adam(
        learning_rate=S.PolynomialDecay(0.01, 100, power=2.0, cycle=True), amsgrad=True,
        use_ema=True, ema_overwrite_frequency=5,
    ),
    "adamw_cosine": lambda: O.AdamW(
        learning_rate=S.CosineDecay(0.0, 100, alpha=0.1, warmup_target=0.01, warmup_steps=10),
        amsgrad=True,
    ),
    "sgd_inverse_time": lambda: O.SGD(
        learning_rate=S.InverseTimeDecay(0.1, 10, 0.5, staircase=True), momentum=0.9
    ),
    "rmsprop_exponential": lambda: O.RMSprop(
        learning_rate=S.ExponentialDecay(0.01, 100, 0.9), centered=True
    ),
    "rmsprop_accumulate": lambda: O.RMSprop(learning_rate=0.01, gradient_accumulation_steps=4),
    "sgd_cosine_restarts": lambda: O.SGD(
        learning_rate=S.CosineDecayRestarts(0.1, 10, t_mul=3.0, alpha=0.01), momentum=0.9
    ),
    "adagrad_piecewise": lambda: O.Adagrad(
        learning_rate=S.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001], name="pieces")
    ),
}


def rounded(values, digits=17):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values):
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": rounded(values)}


def float32_values(rng, shape):
    return rng.uniform(-1.0, 1.0, shape).astype(np.float32).astype(np.float64)


def model():
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)]
    )


def serialized(make):
    keras.config.set_floatx("float32")
    return json.loads(json.dumps(serialize_keras_object(make())))


def owner(state_variable, model_variables):
    """The index of the model variable a slot belongs to and the slot's name (Keras names a
    slot `<variable path with _>_<slot>`); (None, name) for optimizer-wide state."""
    best = None
    for index, variable in enumerate(model_variables):
        prefix = variable.path.replace("/", "_") + "_"
        if state_variable.name.startswith(prefix) and (
            best is None or len(prefix) > len(best[1])
        ):
            best = (index, prefix)
    if best is None:
        return None, state_variable.name
    return best[0], state_variable.name[len(best[1]):]


def write_case(directory, name, make):
    config = serialized(make)
    keras.config.set_floatx("float64")
    rng = np.random.default_rng(sum(map(ord, name)))
    net = model()
    variables = net.trainable_variables
    initial = [float32_values(rng, v.shape) for v in variables]
    for variable, value in zip(variables, initial):
        variable.assign(value)
    optimizer = make()
    gradients, weights = [], []
    for scale in GRADIENT_SCALES:
        step = [(float32_values(rng, v.shape) * scale).astype(np.float32).astype(np.float64)
                for v in variables]
        optimizer.apply(step, variables)
        gradients.append([tensor(g) for g in step])
        weights.append([tensor(v.numpy()) for v in variables])
    optimizer.finalize_variable_values(variables)
    has_rate = isinstance(optimizer._learning_rate, keras.Variable)
    skip = 2 if has_rate else 1
    state = []
    for variable in optimizer.variables[skip:]:
        index, slot = owner(variable, variables)
        state.append({"name": variable.name, "variable": index, "slot": slot} | tensor(
            variable.numpy()))
    fixture = {
        "keras": keras.__version__,
        "optimizer": config,
        "variables": [{"path": v.path} | tensor(value) for v, value in zip(variables, initial)],
        "gradients": gradients,
        "weights": weights,
        "finalized": [tensor(v.numpy()) for v in variables],
        "iterations": int(np.asarray(optimizer.iterations)),
        "raw_iterations": int(np.asarray(optimizer._iterations)),
        "learning_rate_variable": has_rate,
        "state": state,
    }
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, indent=1)
        file.write("\n")


def write_schedules(directory):
    keras.config.set_floatx("float64")
    cases = {}
    for name, make in SCHEDULES.items():
        schedule = make()
        cases[name] = {
            "schedule": json.loads(json.dumps(serialize_keras_object(schedule))),
            "steps": SCHEDULE_STEPS,
            "values": rounded([float(schedule(step)) for step in SCHEDULE_STEPS]),
        }
    with open(os.path.join(directory, "schedules.json"), "w") as file:
        json.dump({"keras": keras.__version__, "cases": cases}, file, indent=1)
        file.write("\n")


def write_configs(directory):
    cases = {name: serialized(make) for name, make in CONFIGS.items()}
    with open(os.path.join(directory, "configs.json"), "w") as file:
        json.dump({"keras": keras.__version__, "cases": cases}, file, indent=1, sort_keys=True)
        file.write("\n")


def main():
    directory = sys.argv[1]
    # First, so that the default names are Keras's first ones ("adam", not "adam_1").
    write_configs(directory)
    write_schedules(directory)
    for name, make in CASES.items():
        write_case(directory, name, make)


if __name__ == "__main__":
    main()
