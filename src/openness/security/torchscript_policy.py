"""What TorchScript itself writes and resolves: tables for the TorchScript archive checks.

torch.jit.load does not unpickle `data.pkl` and `constants.pkl` with Python's pickle: its own
unpickler (torch/csrc/jit/serialization/unpickler.cpp) knows a fixed set of globals and resolves
every other one as a TorchScript type, either a C++ custom class registered with torch
(`__torch__.torch.classes.<namespace>.<Class>`) or a class compiled from the archive's `code/`.
The code itself is a Python subset compiled to TorchScript graphs: `torch.<op>` is an aten
operator, `ops.<namespace>.<op>` any registered operator, plus a few special forms and builtins.

The sets below were read off torch 2.x (the unpickler's `readGlobal`, the source importer's
environment, `torch._C._jit_get_all_schemas()` and the custom class schemas); they are data, not
code, and grow when torch does.
"""

from __future__ import annotations

_SCALAR_TYPES = (
    "Byte",
    "Char",
    "Short",
    "Int",
    "Long",
    "Half",
    "Float",
    "Double",
    "ComplexHalf",
    "ComplexFloat",
    "ComplexDouble",
    "Bool",
    "BFloat16",
    "QInt8",
    "QUInt8",
    "QInt32",
    "QUInt4x2",
    "QUInt2x4",
    "Float8_e5m2",
    "Float8_e4m3fn",
    "Float8_e5m2fnuz",
    "Float8_e4m3fnuz",
    "UInt16",
    "UInt32",
    "UInt64",
)
_QSCHEMES = (
    "per_tensor_affine",
    "per_channel_affine",
    "per_tensor_symmetric",
    "per_channel_symmetric",
    "per_channel_affine_float_qparams",
)
_PICKLE_HELPERS = (  # torch/jit/_pickle.py: identity functions the JIT unpickler special-cases
    "build_intlist",
    "build_tensorlist",
    "build_doublelist",
    "build_boollist",
    "build_tensor_from_id",
    "restore_type_tag",
)

#: globals the TorchScript unpickler handles itself (no import, no Python call)
TORCHSCRIPT_GLOBALS: frozenset[str] = frozenset(
    [f"torch.jit._pickle.{h}" for h in _PICKLE_HELPERS]
    + [f"torch.{t}Storage" for t in _SCALAR_TYPES]
    + [f"torch.{q}" for q in _QSCHEMES]
    + [
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_qtensor",
        "torch._utils._rebuild_sparse_tensor",
        "torch._tensor._rebuild_from_type_v2",
        "torch.Tensor",
        "torch.device",
        "builtins.complex",
        "collections.OrderedDict",
        "__main__.TensorID",  # written by torch < 1.4
        "__main__.IntList",
    ]
)

#: operator namespaces torch registers for model maths (`ops.<ns>.<op>` in code/); others
#: (a custom op library, distributed collectives, test and debug ops) are findings
OP_NAMESPACES: frozenset[str] = frozenset(
    {
        "aten",
        "prim",
        "prims",
        "quantized",
        "_quantized",
        "quantization",
        "quantized_decomposed",
        "sparse",
        "mkldnn",
        "mkldnn_prepacked",
        "mkl",
        "onednn",
        "prepacked",
        "xnnpack",
        "_caffe2",
        "rngprims",
        "profiler",
        "static_runtime",
        "inductor",
        "_native",
        "onnx",
    }
)

#: operators inside those namespaces that read or write files, or talk over the network
RISKY_OPS: frozenset[str] = frozenset(
    {
        "aten.save",
        "aten.from_file",
        "prim.rpc_async",
        "prim.rpc_sync",
        "prim.rpc_remote",
        "prim.PythonOp",
        "prim.IgnoredPythonOp",
    }
)

#: namespaces of C++ custom classes torch itself registers for model state
#: (`__torch__.torch.classes.<ns>.<Class>`: packed quantized weights, RNN cell params, ...)
CUSTOM_CLASS_NAMESPACES: frozenset[str] = frozenset(
    {"quantized", "rnn", "sparse", "mkldnn", "xnnpack", "_nnapi", "backendutils", "aten"}
)

#: names the TorchScript compiler resolves without the archive: special forms, Python builtins it
#: compiles to operators, type names and the source importer's environment
BUILTIN_NAMES: frozenset[str] = frozenset(
    {
        # source importer environment
        "torch",
        "ops",
        "CONSTANTS",
        "fork",
        "annotate",
        "unchecked_cast",
        "uninitialized",
        "inf",
        "nan",
        "infj",
        "nanj",
        "__torch__",
        "math",
        # builtins TorchScript compiles
        "abs",
        "all",
        "any",
        "bin",
        "bool",
        "chr",
        "complex",
        "dict",
        "divmod",
        "enumerate",
        "float",
        "getattr",
        "hasattr",
        "hash",
        "hex",
        "id",
        "int",
        "isinstance",
        "iter",
        "len",
        "list",
        "max",
        "min",
        "next",
        "oct",
        "ord",
        "pow",
        "print",
        "range",
        "reversed",
        "round",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
        "rangelist",
        "_to_tensor",
        "_list",
        # exceptions it can raise
        "Exception",
        "RuntimeError",
        "ValueError",
        "TypeError",
        "AssertionError",
        "KeyError",
        "IndexError",
        "NotImplementedError",
        "StopIteration",
        "ZeroDivisionError",
        # types and class bases in annotations
        "Tensor",
        "List",
        "Dict",
        "Optional",
        "Tuple",
        "Union",
        "Any",
        "NoneType",
        "Future",
        "Await",
        "Device",
        "Stream",
        "Final",
        "Module",
        "NamedTuple",
        "Enum",
        "Interface",
        "ModuleInterface",
        "Storage",
        "Generator",
        "Capsule",
        "Layout",
        "MemoryFormat",
        "ScalarType",
        "QScheme",
        "RRef",
        "number",
        "__annotations__",
    }
)

#: attribute names that are Python reflection; TorchScript has none of them
REFLECTION_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "__class__",
        "__bases__",
        "__base__",
        "__mro__",
        "__subclasses__",
        "__globals__",
        "__builtins__",
        "__dict__",
        "__code__",
        "__closure__",
        "__func__",
        "__self__",
        "__module__",
        "__import__",
        "__getattribute__",
        "__reduce__",
        "__reduce_ex__",
        "__loader__",
        "__spec__",
    }
)


def is_torchscript_global(dotted: str) -> bool:
    """A global the TorchScript unpickler handles itself."""
    return dotted in TORCHSCRIPT_GLOBALS
