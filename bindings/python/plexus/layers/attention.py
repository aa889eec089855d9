"""Attention layers: MultiHeadAttention, Attention and AdditiveAttention
(keras/src/layers/attention)."""

import numpy as np

from .. import constraints, initializers, regularizers
from .base import KerasTensor, Layer, Node


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017): `query` attends to `value` (and `key`,
    which defaults to `value`), `num_heads` heads of `key_dim` each, projected back to the
    query's width (or `output_shape`).

    ```python
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=16)
    y = mha(query, value)                       # (batch, Tq, dim), (batch, Tv, dim)
    y = mha(x, x, use_causal_mask=True)         # a decoder's self-attention
    ```
    Masks from `Embedding(mask_zero=True)` or `Masking` reach it through its inputs;
    `attention_mask=` (boolean, or numbers where non-zero attends; `(batch, Tq, Tv)`, or
    eagerly anything that broadcasts to it) says which steps each query step may attend to, and
    `return_attention_scores=True` also returns the attention probabilities
    `(batch, heads, Tq, Tv)`. Equivalent to `keras.layers.MultiHeadAttention`."""

    _check_in_library = True
    # The weights sit in the projections: "mha/query/kernel".
    _nested_weights = True

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        sliding_window=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim is not None else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = use_bias
        self.output_shape = output_shape
        self.attention_axes = attention_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        self.seed = seed

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "value_dim": self.value_dim,
                "dropout": self.dropout,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "output_shape": self.output_shape,
                "attention_axes": self.attention_axes,
                "sliding_window": self.sliding_window,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed,
            }
        )
        return config

    def compute_output_shape(self, input_shape):
        query = tuple(input_shape[0])
        if self.output_shape is None:
            return query
        tail = self.output_shape if isinstance(self.output_shape, (list, tuple)) else [
            self.output_shape
        ]
        return (*query[:-1], *tail)

    # Keras's call: query, value and key are tensors; the other keywords are options.
    def __call__(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if any(m is not None for m in (query_mask, value_mask, key_mask)):
            raise NotImplementedError(
                f"MultiHeadAttention {self.name}: query_mask, value_mask and key_mask are not "
                "supported from Python; let Embedding(mask_zero=True) or Masking supply them, "
                "or pass attention_mask"
            )
        tensors = [query, value] + ([key] if key is not None else [])
        named = ["key"] if key is not None else []
        options = {"use_causal_mask": bool(use_causal_mask)} if use_causal_mask else {}
        if return_attention_scores:
            options["return_attention_scores"] = True
        # The node's tensors: query, value, key, then the mask (by name, as Keras writes it).
        node_tensors = tensors + ([attention_mask] if attention_mask is not None else [])
        if attention_mask is not None:
            named.append("attention_mask")
        if all(isinstance(t, KerasTensor) for t in node_tensors):
            outputs = [self.compute_output_spec(tensors)]
            if return_attention_scores:
                outputs.append(KerasTensor(self._scores_shape(query.shape, value.shape)))
            for position, tensor in enumerate(outputs):
                tensor._keras_history = (self, len(self._inbound_nodes), position)
                tensor.name = self.name
            output = tuple(outputs) if return_attention_scores else outputs[0]
            node = Node(self, node_tensors, False, list(outputs) if return_attention_scores
                        else outputs[0])  # fmt: skip
            # Keras's node: query and value by position; key, the mask and the options by name.
            node.call_arguments = (2, named, options)
            self._inbound_nodes.append(node)
            return output
        if any(isinstance(t, KerasTensor) for t in node_tensors):
            raise TypeError(
                f"{type(self).__name__}: mix of symbolic and concrete inputs; wrap constants in "
                "a plexus.Input"
            )
        return self._call_eager_attention(tensors, attention_mask, options, training)

    def _scores_shape(self, query, value):
        """Keras's scores shape: (batch, other axes..., heads, query axes..., value axes...),
        (batch, heads, Tq, Tv) for sequences."""
        rank = len(query)
        if self.attention_axes is None:
            axes = list(range(1, rank - 1))
        else:
            given = self.attention_axes
            given = given if isinstance(given, (list, tuple)) else [given]
            axes = [a if a >= 0 else a + rank - 1 for a in given]
        others = [a for a in range(1, rank - 1) if a not in axes]
        return (query[0], *[query[a] for a in others], self.num_heads, *[query[a] for a in axes],
                *[value[a] for a in axes])  # fmt: skip

    def _spread_mask(self, attention_mask, query, value):
        """The mask as the model below takes it: the scores' layout without the heads,
        (batch, other axes..., query axes..., value axes...), (batch, Tq, Tv) for sequences.
        Keras gives a mask the heads' axis (before the query axes) until it has the scores'
        rank, then broadcasts it."""
        scores = self._scores_shape(query.shape, value.shape)
        attended = len(scores) - len(query.shape)
        heads_axis = len(scores) - 2 * attended - 1
        full = scores[:heads_axis] + scores[heads_axis + 1:]
        dims = list(np.shape(attention_mask))
        while 2 * attended <= len(dims) < len(scores):
            dims.insert(len(dims) - 2 * attended, 1)
        if len(dims) == len(scores) and dims[heads_axis] == 1:
            del dims[heads_axis]
        try:
            if len(dims) != len(full):
                raise ValueError
            return np.broadcast_to(np.reshape(np.asarray(attention_mask), dims), full)
        except ValueError:
            raise ValueError(
                f"MultiHeadAttention {self.name}: attention_mask of shape "
                f"{np.shape(attention_mask)} does not broadcast to the scores' layout without "
                f"the heads, {tuple(full)}"
            ) from None

    def _call_eager_attention(self, tensors, attention_mask, options, training=None):
        """Runs the layer on data through a private model made per input shapes and options."""
        from ..models.functional import Functional
        from ..saving import get_uid
        from ..tensor import convert_to_tensor
        from .base import Input

        values = [convert_to_tensor(t) for t in tensors]
        mask = None
        if attention_mask is not None:
            mask = convert_to_tensor(self._spread_mask(attention_mask, values[0], values[1]))
        described = values + ([mask] if mask is not None else [])
        signature = (tuple((t.shape[1:], t.dtype) for t in described), tuple(sorted(options)),
                     mask is not None)  # fmt: skip
        model = self._eager_models.get(signature)
        if model is None:
            inputs = [Input(shape=shape, dtype=dtype) for shape, dtype in signature[0]]
            mask_input = inputs.pop() if mask is not None else None
            key = inputs[2] if len(inputs) > 2 else None
            output = self(inputs[0], inputs[1], key=key, attention_mask=mask_input, **options)
            inputs += [mask_input] if mask_input is not None else []
            model = Functional(inputs, list(output) if isinstance(output, tuple) else output,
                               name=get_uid(f"{self.name}_eager"), _private=True)  # fmt: skip
            self._eager_models[signature] = model
        results = model._run_on_batch(described, training)
        return tuple(results) if options.get("return_attention_scores") else results[0]


class Attention(Layer):
    """Dot-product (Luong-style) attention: `softmax(scores) @ value` with the scores
    `query @ key.T` (times a trainable scalar with `use_scale=True`) or, with
    `score_mode="concat"`, `sum(tanh(query + key))` over the features.

    ```python
    context = layers.Attention()([query, value])            # or [query, value, key]
    y = layers.Attention()([x, x], use_causal_mask=True)     # step t sees steps <= t
    y, scores = layers.Attention()([q, v], return_attention_scores=True)
    ```
    The value's mask (from `Embedding(mask_zero=True)` or `Masking`) keeps its padded steps out
    of the softmax, and the query's zeroes the output at its padded steps and passes on.
    Equivalent to `keras.layers.Attention`."""

    _check_in_library = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "use_scale": self.use_scale,
                "score_mode": self.score_mode,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config

    def compute_output_shape(self, input_shape):
        query, value = tuple(input_shape[0]), tuple(input_shape[1])
        return (*query[:-1], value[-1])

    def _scores_shape(self, inputs):
        key = inputs[2] if len(inputs) > 2 else inputs[1]
        return (*tuple(inputs[0].shape)[:-1], tuple(key.shape)[-2])

    def __call__(
        self,
        inputs,
        mask=None,
        training=None,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        if mask is not None:
            raise NotImplementedError(
                f"{type(self).__name__} {self.name}: mask= is not supported from Python; let "
                "Embedding(mask_zero=True) or Masking supply the query's and value's masks"
            )
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{type(self).__name__} layer must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs!r}."
            )
        tensors = list(inputs)
        options = {"use_causal_mask": True} if use_causal_mask else {}
        if return_attention_scores:
            options["return_attention_scores"] = True
        if all(isinstance(t, KerasTensor) for t in tensors):
            outputs = [self.compute_output_spec(tensors)]
            if return_attention_scores:
                outputs.append(KerasTensor(self._scores_shape(tensors)))
            for position, tensor in enumerate(outputs):
                tensor._keras_history = (self, len(self._inbound_nodes), position)
                tensor.name = self.name
            node = Node(self, tensors, True, outputs if return_attention_scores else outputs[0])
            # Keras's node: the list of tensors, the options beside it as keywords.
            node.options = options
            self._inbound_nodes.append(node)
            return tuple(outputs) if return_attention_scores else outputs[0]
        if any(isinstance(t, KerasTensor) for t in tensors):
            raise TypeError(
                f"{type(self).__name__}: mix of symbolic and concrete inputs; wrap constants in "
                "a plexus.Input"
            )
        return self._call_eager_list(tensors, options, training)

    def _call_eager_list(self, tensors, options, training=None):
        """Runs the layer on data through a private model made per input shapes and options."""
        from ..models.functional import Functional
        from ..saving import get_uid
        from ..tensor import convert_to_tensor
        from .base import Input

        values = [convert_to_tensor(t) for t in tensors]
        signature = (tuple((t.shape[1:], t.dtype) for t in values), tuple(sorted(options)))
        model = self._eager_models.get(signature)
        if model is None:
            inputs = [Input(shape=shape, dtype=dtype) for shape, dtype in signature[0]]
            output = self(inputs, **options)
            model = Functional(inputs, list(output) if isinstance(output, tuple) else output,
                               name=get_uid(f"{self.name}_eager"), _private=True)  # fmt: skip
            self._eager_models[signature] = model
        results = model._run_on_batch(values, training)
        return tuple(results) if options.get("return_attention_scores") else results[0]


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention: `Attention` with the scores
    `sum(scale * tanh(query + key))` over the features, `scale` a trainable weight per feature
    (with `use_scale=True`, the default). Masks, `use_causal_mask`, dropout and
    `return_attention_scores` work as in `Attention`. Equivalent to
    `keras.layers.AdditiveAttention`."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
