"""The built-in readers, by the formats they read.

A reader's module is imported the first time a file of one of its formats is met, so a scan of
one safetensors file never pays for the ONNX, Keras or GGUF parsers.
"""

from __future__ import annotations

from . import detect

#: format -> (module in this package, reader class); tests check each class reads these formats
BUILTIN_READERS: dict[str, tuple[str, str]] = {
    detect.SAFETENSORS: ("safetensors", "SafetensorsReader"),
    detect.PYTORCH_ZIP: ("pytorch", "PytorchZipReader"),
    detect.PICKLE: ("pickle.reader", "PickleReader"),
    detect.TORCH_LEGACY: ("pickle.reader", "PickleReader"),
    detect.GGUF: ("gguf", "GgufReader"),
    detect.ONNX: ("onnx", "OnnxReader"),
    detect.KERAS: ("keras", "KerasReader"),
    detect.HDF5: ("keras", "Hdf5Reader"),
    detect.NPY: ("numpy", "NpyReader"),
    detect.NPZ: ("numpy", "NpzReader"),
    detect.ZIP: ("containers", "ContainerReader"),
    detect.TAR: ("containers", "ContainerReader"),
    detect.GZIP: ("containers", "ContainerReader"),
    detect.BZIP2: ("containers", "ContainerReader"),
    detect.XZ: ("containers", "ContainerReader"),
    detect.ZLIB: ("containers", "ContainerReader"),
    detect.NATIVE: ("native", "NativeCodeReader"),
    detect.PYC: ("native", "NativeCodeReader"),
    detect.SEVEN_ZIP: ("containers", "ContainerReader"),
    detect.SAVEDMODEL: ("savedmodel", "SavedModelReader"),
}
