"""`plexus.models`: Model, Sequential, and loading a model from Keras JSON.
Equivalent to `keras.models`."""

import ctypes
import json
import os
import tempfile
import zipfile

from .._lib import check, lib
from ..layers import Attention, InputLayer, MultiHeadAttention, deserialize as deserialize_layer
from ..layers.rnn import _StatefulCall
from .functional import Functional
from .model import Model
from .sequential import Sequential

__all__ = [
    "Model", "Sequential", "Functional", "model_from_json", "from_config", "load_model",
    "save_model", "clone_model",
]  # fmt: skip


def _layer(entry):
    if entry.get("class_name") in ("Sequential", "Functional"):
        return from_config(entry["config"], entry["class_name"])
    return deserialize_layer(entry)


def _mark_compiled(model, compile_config):
    """Marks a model the C library compiled from `compile_config` as compiled, with its
    optimizer as a Python object bound to it (`model.optimizer.learning_rate` reads the C
    model's rate), as Keras gives a loaded model its optimizer."""
    from .. import losses, optimizers

    model.compiled = True
    entry = compile_config.get("optimizer")
    cls = optimizers._CLASSES.get(entry.get("class_name")) if isinstance(entry, dict) else None
    if cls is not None:
        model.optimizer = cls.from_config(dict(entry.get("config") or {}))
        model.optimizer._bind(model)
    loss = compile_config.get("loss")
    if isinstance(loss, dict):
        try:
            loss = losses.get(loss)
        except (TypeError, ValueError):
            pass  # a class or config Python does not take: the library loaded it; keep it
    model.loss = loss
    # What compile would have been given (callbacks read the metrics, pop compiles again).
    model._compile_arguments = dict(
        optimizer=model.optimizer if cls is not None else entry, loss=compile_config.get("loss"),
        loss_weights=compile_config.get("loss_weights"), metrics=compile_config.get("metrics"),
        run_eagerly=False, jit_compile="auto",
    )  # fmt: skip


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):  # fmt: skip
    """A new model of the same architecture with new layers, so new weights (initialized
    afresh, as Keras's clone's are): `set_weights(model.get_weights())` copies them. Equivalent
    to `keras.models.clone_model(model)`; its hooks (`input_tensors`, `clone_function`,
    `call_function`) are not available."""
    given = [name for name, value in (("input_tensors", input_tensors),
                                      ("clone_function", clone_function),
                                      ("call_function", call_function)) if value is not None]
    if given or recursive or kwargs:
        raise NotImplementedError(
            f"plexus.models.clone_model: {', '.join(given + list(kwargs)) or 'recursive'} is "
            "not available; clone the model whole"
        )  # fmt: skip
    if not isinstance(model, (Sequential, Functional)):
        raise ValueError(f"clone_model expects a Sequential or Functional model; received "
                         f"{type(model).__name__}")  # fmt: skip
    return from_config(model.get_config(), "Sequential" if isinstance(model, Sequential)
                       else "Functional")  # fmt: skip


def from_config(config, class_name):
    """The Python model (layers, graph) a Keras model config describes; no C model yet."""
    if class_name == "Sequential":
        model = Sequential(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config.get("layers", []):
            if entry.get("class_name") == "InputLayer":
                model.add(InputLayer.from_config(entry["config"]))
            else:
                model.add(_layer(entry))
        return model
    if class_name != "Functional":
        raise ValueError(f"plexus.models: cannot load a {class_name!r}; expected a Sequential "
                         "or a Functional model")  # fmt: skip
    tensors, pending, skipped = {}, [], set()
    for entry in config.get("layers", []):
        name = entry.get("name") or entry.get("config", {}).get("name")
        if entry.get("class_name") == "InputLayer":
            layer = InputLayer.from_config(entry["config"])
            tensors[(name, 0)] = [layer.output]
            continue
        if entry.get("class_name") in ("NotEqual", "Any", "ConvertToTensor") and str(
                entry.get("module", "")).startswith("keras.src.ops"):
            # The masks Keras computes itself (Embedding's mask_zero, Masking, an attention
            # passing its query's on), saved as op nodes: the library computes them again at
            # run time (it checked the file).
            skipped.add(name)
            continue
        body = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")}
        pending.append([_layer(body), entry.get("inbound_nodes", []), 0])

    def history(value):
        return tuple(value["config"]["keras_history"][:2])

    def is_tensor(value):
        return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"

    progress = True
    while progress:
        progress = False
        for item in pending:
            layer, nodes, done = item
            while done < len(nodes):
                node = nodes[done]
                args = node.get("args", [])
                # Tensors passed by name (MultiHeadAttention's key), without the masks Keras
                # records for its own mask ops: the library applies those itself.
                kwargs = {
                    key: value for key, value in (node.get("kwargs") or {}).items()
                    if not (is_tensor(value) and history(value)[0] in skipped)
                    and not (key in ("mask", "training") or (key.endswith("_mask")
                             and key != "use_causal_mask" and value is None))
                }  # fmt: skip
                if isinstance(layer, _StatefulCall):
                    args = args[:1]
                    kwargs = {"initial_state": kwargs["initial_state"]} if kwargs.get(
                        "initial_state") else {}
                elif isinstance(layer, Attention):
                    args = args[:1]
                    kwargs = {k: v for k, v in kwargs.items()
                              if k in ("use_causal_mask", "return_attention_scores")}  # fmt: skip
                elif not isinstance(layer, MultiHeadAttention):
                    args, kwargs = args[:1], {}
                entries = [
                    e for argument in args + list(kwargs.values())
                    for e in (argument if isinstance(argument, list) else [argument])
                    if is_tensor(e)
                ]  # fmt: skip
                if any(history(e) not in tensors for e in entries):
                    break

                def resolve(value):
                    if isinstance(value, list):
                        return [resolve(v) for v in value]
                    if not is_tensor(value):
                        return value
                    return tensors[history(value)][value["config"]["keras_history"][2]]

                if isinstance(layer, _StatefulCall) and (kwargs or layer._several_outputs()):
                    output = layer(resolve(args[0]), initial_state=resolve(
                        kwargs.get("initial_state")) if kwargs else None)
                elif isinstance(layer, Attention):
                    output = layer(resolve(args[0]), **kwargs)
                elif isinstance(layer, MultiHeadAttention):
                    output = layer(*[resolve(a) for a in args],
                                   **{k: resolve(v) for k, v in kwargs.items()})  # fmt: skip
                else:
                    # Other layers take their input alone; the library read the node's other
                    # keywords when it checked the file.
                    output = layer(resolve(args[0]))
                tensors[(layer.name, done)] = (
                    list(output) if isinstance(output, (list, tuple)) else [output])
                done += 1
                progress = True
            item[2] = done

    def ends(value):
        triples = value if value and isinstance(value[0], list) else [value]
        return [tensors[(triple[0], triple[1])][triple[2]] for triple in triples]

    inputs, outputs = ends(config["input_layers"]), ends(config["output_layers"])
    return Functional(
        inputs if len(inputs) > 1 else inputs[0],
        outputs if len(outputs) > 1 else outputs[0],
        name=config.get("name"),
        trainable=config.get("trainable", True),
    )


def model_from_json(json_string, custom_objects=None):
    """A model from Keras's `model.to_json()` text (or a `.keras` file's config.json): the C
    library builds it (and compiles it when the text has a compile_config); the Python side
    gets the same layers. Equivalent to `keras.models.model_from_json`."""
    if custom_objects:
        raise NotImplementedError("plexus: custom_objects are not supported")
    value = json.loads(json_string)
    model = from_config(value.get("config", {}), value.get("class_name"))
    handle = ctypes.c_void_p()
    check(lib().px_model_from_json(json_string.encode("utf-8"), ctypes.byref(handle)))
    model._adopt(handle.value)
    if value.get("compile_config"):
        _mark_compiled(model, value["compile_config"])
    return model


def save_model(model, filepath, overwrite=True, **kwargs):
    """Saves `model` as a `.keras` file. Equivalent to `keras.models.save_model`."""
    from ..saving import save_model as save

    save(model, filepath, overwrite=overwrite, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a `.keras` file saved by `model.save` or by Keras 3: architecture, weights
    and (with `compile`) the compile settings and optimizer state. A legacy `.h5` file of
    Keras 2 (tf.keras) or Keras 3 loads too, with its compile settings and a fresh optimizer.
    Runs no code: a class nobody registered (a Lambda layer, say) is an error naming it,
    whatever `safe_mode` says. Equivalent to `keras.saving.load_model`."""
    if custom_objects:
        raise NotImplementedError("plexus: custom_objects are not supported")
    path = os.fspath(filepath)
    handle = ctypes.c_void_p()
    check(lib().px_model_load(path.encode("utf-8"), 1 if compile else 0, ctypes.byref(handle)))
    try:
        # The C library has read and checked the file; the Python side mirrors its layers.
        if path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5"):
            # A legacy file: its Keras 3 form is the config.json of the loaded model saved
            # as .keras (Keras 2's JSON upgraded, the training config as a compile_config).
            with tempfile.TemporaryDirectory() as scratch:
                copy = os.path.join(scratch, "model.keras")
                check(lib().px_model_save(handle.value, copy.encode("utf-8")))
                with zipfile.ZipFile(copy) as archive:
                    value = json.loads(archive.read("config.json"))
        else:
            with zipfile.ZipFile(path) as archive:
                value = json.loads(archive.read("config.json"))
        model = from_config(value.get("config", {}), value.get("class_name"))
    except BaseException:
        lib().px_model_release(handle.value)
        raise
    model._adopt(handle.value)
    if compile and value.get("compile_config"):
        _mark_compiled(model, value["compile_config"])
    return model
