"""Registers the built-in readers through the public registry."""

from __future__ import annotations

from .containers import ContainerReader
from .gguf import GgufReader
from .keras import Hdf5Reader, KerasReader
from .numpy import NpyReader, NpzReader
from .onnx import OnnxReader
from .pickle import PickleReader
from .pytorch import PytorchZipReader
from .registry import register
from .safetensors import SafetensorsReader
from .savedmodel import SavedModelReader

for _reader in (
    SafetensorsReader(),
    PytorchZipReader(),
    PickleReader(),
    GgufReader(),
    OnnxReader(),
    KerasReader(),
    Hdf5Reader(),
    NpyReader(),
    NpzReader(),
    ContainerReader(),
    SavedModelReader(),
):
    register(_reader)
