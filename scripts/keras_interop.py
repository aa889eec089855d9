"""Opens the .keras files Plexus wrote in Keras 3 (run by scripts/keras-interop.sh).

  python keras_interop.py DIR   for every DIR/<name>.keras with its DIR/<name>.json, prints a TAP
                                line: keras.saving.load_model must load it, predict what Plexus
                                predicted (within 1e-5 relative), and restore the optimizer's
                                iteration count and every weight
"""

import glob
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402

TOLERANCE = 1e-5


def check(path):
    with open(path[: -len(".keras")] + ".json") as f:
        record = json.load(f)
    model = keras.saving.load_model(path)
    inputs = [
        np.asarray(e["values"], dtype="float32").reshape(e["shape"]) for e in record["inputs"]
    ]
    predicted = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    if not isinstance(predicted, (list, tuple)):
        predicted = [predicted]
    expected = [
        np.asarray(e["values"], dtype="float32").reshape(e["shape"]) for e in record["outputs"]
    ]
    problems = []
    if len(predicted) != len(expected):
        problems.append(f"{len(predicted)} outputs, Plexus had {len(expected)}")
    for index, (mine, theirs) in enumerate(zip(predicted, expected)):
        mine = np.asarray(mine)
        if mine.shape != theirs.shape:
            problems.append(f"output {index} has shape {mine.shape}, Plexus {theirs.shape}")
            continue
        error = np.max(np.abs(mine - theirs) / np.maximum(1.0, np.abs(theirs)), initial=0.0)
        if error > TOLERANCE:
            problems.append(f"output {index} differs by {error:.3g} relative")
    if len(model.weights) != record["weight_count"]:
        problems.append(f"{len(model.weights)} weights, Plexus had {record['weight_count']}")
    iterations = record["iterations"]
    optimizer = getattr(model, "optimizer", None)
    if iterations is None:
        if optimizer is not None:
            problems.append("compiled, but Plexus saved it uncompiled")
    elif optimizer is None:
        problems.append("not compiled, but Plexus saved it compiled")
    elif int(optimizer.iterations) != iterations:
        problems.append(f"optimizer at step {int(optimizer.iterations)}, Plexus {iterations}")
    elif (
        iterations > 0
        and len(optimizer.variables) > 2  # plain SGD has no slots
        and all(np.all(np.asarray(v) == 0) for v in optimizer.variables[2:])
    ):
        problems.append("the optimizer's slots were not loaded")
    return problems


def main(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.keras")))
    if not files:
        print(f"not ok 1 - no .keras files in {directory}")
        return 1
    failures = 0
    for number, path in enumerate(files, 1):
        name = os.path.basename(path)
        try:
            problems = check(path)
        except Exception as error:  # noqa: BLE001 - every failure becomes a TAP line
            problems = [f"{type(error).__name__}: {error}"]
        if problems:
            failures += 1
            print(f"not ok {number} - Keras opens Plexus's {name}: " + "; ".join(problems))
        else:
            print(f"ok {number} - Keras opens Plexus's {name} and predicts what Plexus did")
    print(f"1..{len(files)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
