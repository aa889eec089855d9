"""Reads the log directory TensorBoardTests exported with TensorBoard's own EventAccumulator
and checks it against the fit's History: one TAP line per check.

    python scripts/tensorboard_check.py EXPORT_DIR
"""

import json
import math
import os
import sys

from tensorboard.backend.event_processing import event_accumulator

results = []


def check(ok, name, detail=""):
    results.append(ok)
    line = f"{'ok' if ok else 'not ok'} {len(results)} - {name}"
    print(line + (f" # {detail}" if detail and not ok else ""))


def load(directory):
    accumulator = event_accumulator.EventAccumulator(
        directory, size_guidance={event_accumulator.SCALARS: 0,
                                  event_accumulator.HISTOGRAMS: 0,
                                  event_accumulator.TENSORS: 0})
    accumulator.Reload()
    return accumulator


def close(a, b):
    # Scalars travel as float32 (simple_value).
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7)


def main():
    export = sys.argv[1]
    with open(os.path.join(export, "history.json")) as f:
        exported = json.load(f)
    history, epochs = exported["history"], exported["epochs"]
    train = load(os.path.join(export, "logs", "train"))
    validation = load(os.path.join(export, "logs", "validation"))
    train_tags, validation_tags = train.Tags(), validation.Tags()

    for key, values in sorted(history.items()):
        accumulator, tag = (validation, "epoch_" + key[4:]) if key.startswith("val_") \
            else (train, "epoch_" + key)
        tags = (validation_tags if key.startswith("val_") else train_tags)["scalars"]
        if tag not in tags:
            check(False, f"{tag} is in {accumulator.path}", f"tags: {tags}")
            continue
        events = accumulator.Scalars(tag)
        steps = [event.step for event in events]
        read = [event.value for event in events]
        same = steps == epochs and len(read) == len(values) and all(
            close(a, b) for a, b in zip(read, values))
        check(same, f"{tag} ({os.path.basename(accumulator.path)}) equals History['{key}']",
              f"read {list(zip(steps, read))}, expected {values}")

    batch_tags = [tag for tag in train_tags["scalars"] if tag.startswith("batch_")]
    check("batch_loss" in batch_tags, "batch_loss is written (update_freq=2)",
          f"tags: {train_tags['scalars']}")
    if "batch_loss" in batch_tags:
        steps = [event.step for event in train.Scalars("batch_loss")]
        check(steps == [2, 4, 6, 8], "batch_loss at every 2nd global batch", f"steps {steps}")

    histograms = train_tags["histograms"]
    check(len(histograms) == 4 and all(t.endswith("/histogram") for t in histograms),
          "a histogram per weight", f"histograms: {histograms}")
    for tag in histograms:
        events = train.Histograms(tag)
        ok = [e.step for e in events] == epochs and all(
            e.histogram_value.num > 0 and e.histogram_value.min <= e.histogram_value.max
            for e in events)
        check(ok, f"{tag} has a histogram per epoch")

    has_graph = "keras" in train_tags["tensors"]
    check(has_graph, "the model graph (graph_keras_model) is present",
          f"tensors: {train_tags['tensors']}")
    if has_graph:
        metadata = train.SummaryMetadata("keras")
        config = json.loads(train.Tensors("keras")[0].tensor_proto.string_val[0])
        check(metadata.plugin_data.plugin_name == "graph_keras_model"
              and config.get("class_name") == "Sequential",
              "the graph is the model's Keras config for the graph plugin")

    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
