"""A `plexus.utils.PyDataset` as the C library's `px_dataset`: the library asks for batches by
index (on its own thread when the dataset makes them ahead), this module converts each to
tensors and hands their handles over."""

import ctypes

import numpy as np

from .._lib import DATASET_BATCH_FN, DATASET_EPOCH_FN, Dataset, check, lib
from ..utils import PyDataset
from . import _data


def is_dataset(value):
    return isinstance(value, PyDataset)


def is_iterator(value):
    """Whether `value` yields batches one after another (a generator or other iterator)."""
    return hasattr(value, "__next__") and hasattr(value, "__iter__") and not is_dataset(value)


def as_dataset(value, steps, what, argument="steps", replay=False):
    """`value` as the PyDataset a call reads: a generator or iterator of batches (with
    `replay`, its first `steps` batches read once and read again every epoch, as Keras
    validates on a generator), or a PyDataset cut to its first `steps` batches; anything else
    (arrays) as it is, where `steps` must stay unset (`argument` names it in errors)."""
    if is_iterator(value):
        return _GeneratorDataset(value, steps, what, argument, replay)
    if steps is None:
        return value
    if not is_dataset(value):
        raise NotImplementedError(f"plexus: {argument} with arrays is not supported yet; pass "
                                  "a PyDataset or a generator")  # fmt: skip
    steps = _steps(steps, what, argument)
    if steps > len(value):
        raise ValueError(f"{what}: {argument}={steps} is more than the {len(value)} batches of "
                         f"{type(value).__name__}")  # fmt: skip
    return _FirstBatches(value, steps)


def _steps(steps, what, argument):
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"{what}: {argument} must be a positive int, received {steps!r}")
    return int(steps)


class _GeneratorDataset(PyDataset):
    """A generator (or iterator) of batches read in turn: with `steps`, each epoch takes the
    next `steps` batches, so epochs go on where the last stopped (as Keras reads a generator
    with steps_per_epoch); without, it is read to its end once and every epoch is those
    batches (Keras trains one epoch on them, then warns that the input ran out)."""

    def __init__(self, iterator, steps, what, argument, replay=False):
        super().__init__()
        self._iterator, self._what, self._argument = iterator, what, argument
        self._batches, self._read = None, 0
        if steps is None:
            self._batches = list(iterator)
            if not self._batches:
                raise ValueError(f"{what}: the generator yielded no batches")
            self._count = len(self._batches)
        else:
            self._count = _steps(steps, what, argument)
            if replay:
                self._batches = [self._next() for _ in range(self._count)]

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if self._batches is not None:
            return self._batches[index]
        return self._next()

    def _next(self):
        try:
            batch = next(self._iterator)
        except StopIteration:
            raise ValueError(
                f"{self._what}: the generator ran out of batches after {self._read} "
                f"({self._argument}={self._count} per epoch); make it loop forever, or lower "
                f"{self._argument}"
            ) from None
        self._read += 1
        return batch


class ArrayBatches(PyDataset):
    """Arrays `(x, y)` or `(x, y, sample_weight)` (Keras's `validation_data`) in batches of
    `batch_size`, in order: the validation of a fit over a PyDataset or a generator."""

    def __init__(self, data, batch_size):
        super().__init__()
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise ValueError("fit: validation_data is (x_val, y_val) or (x_val, y_val, "
                             "val_sample_weight)")  # fmt: skip
        self._data = tuple(data) if len(data) == 3 and data[2] is not None else tuple(data[:2])
        first = self._data[0]
        while isinstance(first, (list, tuple, dict)):
            first = next(iter(first.values())) if isinstance(first, dict) else first[0]
        self._samples, self._size = len(first), int(batch_size)
        if self._samples < 1:
            raise ValueError("fit: validation_data holds no samples")

    def __len__(self):
        return -(-self._samples // self._size)

    def __getitem__(self, index):
        rows = slice(index * self._size, (index + 1) * self._size)
        return tuple(_rows(part, rows) for part in self._data)


def _rows(value, rows):
    """`value` (an array, or a list or dict of them) cut to `rows`."""
    if isinstance(value, dict):
        return {key: _rows(item, rows) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rows(item, rows) for item in value]
    return np.asarray(value)[rows]


class _FirstBatches(PyDataset):
    """The first `steps` batches of a PyDataset."""

    def __init__(self, dataset, steps):
        super().__init__(workers=dataset.workers, max_queue_size=dataset.max_queue_size)
        self._dataset, self._count = dataset, steps

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        return self._dataset[index]

    def on_epoch_begin(self):
        self._dataset.on_epoch_begin()

    def on_epoch_end(self):
        self._dataset.on_epoch_end()


class CDataset:
    """The `px_dataset` of a PyDataset for `model`; keep it alive during the call. The first
    exception a batch or epoch function raised is kept for `raise_error`."""

    def __init__(self, dataset, model, targets=True, what="fit", class_weight=None):
        self.dataset = dataset
        self.class_weight = class_weight
        self.errors = []
        count = len(dataset)
        if count < 1:
            raise ValueError(f"{what}: the dataset {type(dataset).__name__} has no batches "
                             f"(len {count})")  # fmt: skip
        input_names, output_names = model.input_names, model.output_names
        self._batch = DATASET_BATCH_FN(self._make_batch)
        self._epoch = DATASET_EPOCH_FN(self._epoch_event)
        self._names = (input_names, output_names if targets else [])
        self._what = what
        self.struct = Dataset()
        self.struct.struct_size = ctypes.sizeof(Dataset)
        self.struct.batch_count = count
        self.struct.batch = self._batch
        self.struct.epoch = self._epoch
        self.struct.user = None
        workers = getattr(dataset, "workers", 1)
        self.struct.prefetch = getattr(dataset, "max_queue_size", 10) if workers > 1 else -1

    def _make_batch(self, index, inputs, input_count, targets, target_count, weight, user):
        try:
            item = self.dataset[index]
            x, y, sample_weight = _split(item, target_count > 0)
            input_names, output_names = self._names
            where = f"{self._what}: batch {index} of {type(self.dataset).__name__}"
            xs = _data.to_tensors(x, input_names, f"{where}: x")
            ys = _data.to_tensors(y, output_names, f"{where}: y") if target_count else []
            if len(xs) != input_count or len(ys) != target_count:
                raise ValueError(f"{where}: {len(xs)} inputs and {len(ys)} targets, expected "
                                 f"{input_count} and {target_count}")  # fmt: skip
            weights = None
            if self.class_weight is not None:
                if sample_weight is not None:
                    raise ValueError(f"{where}: class_weight and a batch's sample_weight cannot "
                                     "be used together; fold the class weights into the "
                                     "sample weights")  # fmt: skip
                sample_weight = _class_weights_of(y, self.class_weight, where)
            if sample_weight is not None:
                (weights,) = _data.to_tensors(
                    np.asarray(sample_weight, np.float32), ["sample_weight"], where)
            library = lib()
            # The library releases every handle written: each gets a reference of its own.
            for tensor in xs + ys:
                check(library.px_tensor_retain(tensor.handle))
            for i, tensor in enumerate(xs):
                inputs[i] = tensor.handle
            for i, tensor in enumerate(ys):
                targets[i] = tensor.handle
            if weights is not None:
                check(library.px_tensor_retain(weights.handle))
                weight[0] = weights.handle
            return 0
        except BaseException as error:  # noqa: BLE001 - re-raised by raise_error
            self.errors.append(error)
            return 1

    def _epoch_event(self, begin, user):
        try:
            if begin:
                self.dataset.on_epoch_begin()
            else:
                self.dataset.on_epoch_end()
            return 0
        except BaseException as error:  # noqa: BLE001 - re-raised by raise_error
            self.errors.append(error)
            return 1

    def raise_error(self):
        """Raises what a dataset function raised first, if anything."""
        if self.errors:
            raise self.errors[0]


def _class_weights_of(y, class_weight, where):
    """Each sample's weight from `class_weight` (1 for a class it does not list), its class
    read from `y` as Keras reads it: the arg-max of one-hot rows, else the rounded label."""
    if isinstance(y, (list, tuple)) and len(y) == 1:
        y = y[0]
    elif isinstance(y, dict) and len(y) == 1:
        (y,) = y.values()
    if isinstance(y, (list, tuple, dict)):
        raise ValueError(f"{where}: class_weight needs a model with one output; the batch has "
                         f"{len(y)} targets")  # fmt: skip
    labels = np.asarray(y)
    if labels.ndim not in (1, 2):
        raise ValueError(f"{where}: class_weight needs class ids (batch,) or (batch, 1), or "
                         f"one-hot labels (batch, classes); received shape {labels.shape}")  # fmt: skip
    if labels.ndim == 2 and labels.shape[-1] > 1:
        classes = np.argmax(labels, axis=-1)
    else:
        if labels.ndim == 2:
            labels = np.squeeze(labels, axis=-1)
        rounded = np.round(labels.astype(np.float64))
        if not np.all(np.isfinite(rounded)):
            raise ValueError(f"{where}: class_weight needs finite labels")
        classes = rounded.astype(np.int64)
    return np.asarray([class_weight.get(int(c), 1.0) for c in classes.reshape(-1)],
                      np.float32).reshape(classes.shape)  # fmt: skip


def _split(item, with_targets):
    """A batch's (x, y, sample_weight): Keras takes a tuple of 1 to 3 entries, or x alone."""
    if isinstance(item, tuple):
        if not 1 <= len(item) <= 3:
            raise ValueError(f"a dataset batch is (x,), (x, y) or (x, y, sample_weight); "
                             f"received a tuple of {len(item)}")  # fmt: skip
        x = item[0]
        y = item[1] if len(item) > 1 else None
        weight = item[2] if len(item) > 2 else None
    else:
        x, y, weight = item, None, None
    if with_targets and y is None:
        raise ValueError("a dataset batch for fit or evaluate needs targets: return (x, y)")
    return x, y, weight
