"""`plexus.layers`: the layers the C library registers, with Keras 3's constructors and
configs. Equivalent to `keras.layers`."""

from .activations import ELU, Identity, LeakyReLU, PReLU, ReLU, Softmax
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .augmentation import (
    CenterCrop,
    RandomBrightness,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Resizing,
)
from .base import Input, InputLayer, KerasTensor, Layer
from .convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    DepthwiseConv2D,
    SeparableConv2D,
)
from .core import Activation, Dense, Dropout, Embedding, Masking
from .merging import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract
from .normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    UnitNormalization,
)
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from .preprocessing import CategoryEncoding, Discretization, Normalization, Rescaling
from .regularization import (
    ActivityRegularization,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
)
from .reshaping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from .rnn import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed

__all__ = [
    "Layer", "Input", "InputLayer", "KerasTensor",
    "Dense", "Dropout", "Flatten", "Reshape", "Concatenate", "Add", "Activation",
    "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
    "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "BatchNormalization", "LayerNormalization", "ZeroPadding2D",
    "UpSampling2D", "Cropping2D", "Embedding", "Masking", "Multiply", "Subtract", "Average",
    "Maximum", "Minimum", "Dot", "RepeatVector", "Permute", "GaussianNoise", "SpatialDropout1D",
    "SpatialDropout2D", "Rescaling", "Normalization", "SimpleRNN", "LSTM", "GRU", "Bidirectional",
    "TimeDistributed", "MultiHeadAttention", "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax",
    "Identity", "ZeroPadding1D", "Cropping1D", "UpSampling1D", "GroupNormalization",
    "UnitNormalization", "GaussianDropout", "ActivityRegularization", "Attention",
    "AdditiveAttention", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom",
    "RandomContrast", "RandomBrightness", "Resizing", "CenterCrop", "CategoryEncoding",
    "Discretization", "Conv1DTranspose", "Conv3D", "Conv3DTranspose", "MaxPooling3D",
    "AveragePooling3D", "GlobalMaxPooling3D", "GlobalAveragePooling3D", "ZeroPadding3D",
    "UpSampling3D", "Cropping3D",
]  # fmt: skip

# Keras's short aliases.
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)

_BY_CLASS_NAME = {
    name: globals()[name] for name in __all__ if name not in ("Layer", "Input", "KerasTensor")
}


def get_class(class_name):
    """The layer class for a Keras class name."""
    try:
        return _BY_CLASS_NAME[class_name]
    except KeyError:
        raise ValueError(
            f"plexus.layers: no layer class {class_name!r}; known: "
            f"{', '.join(sorted(_BY_CLASS_NAME))}"
        ) from None


def serialize(layer):
    """`{"module", "class_name", "config", "registered_name"}` of `layer`. Equivalent to
    `keras.layers.serialize`."""
    return layer.serialize()


def deserialize(config):
    """The layer a serialized `{"class_name", "config"}` describes."""
    return get_class(config["class_name"]).from_config(config.get("config", {}))
