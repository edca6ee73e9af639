"""First-cut pickle policy: which imported globals real checkpoints need, which are known-dangerous.

A table, not logic. A global is classified under both its written name and the name Python 3
maps it to for protocol 0-2 pickles (`__builtin__.eval` loads `builtins.eval`).
"""

from __future__ import annotations

import _compat_pickle
from collections.abc import Iterable
from enum import Enum

from ..model import Finding, Location
from ..rules import finding

_TORCH_STORAGES = (
    "Float",
    "Double",
    "Half",
    "BFloat16",
    "Long",
    "Int",
    "Short",
    "Char",
    "Byte",
    "Bool",
    "ComplexFloat",
    "ComplexDouble",
    "QInt8",
    "QUInt8",
    "QInt32",
    "QUInt4x2",
    "QUInt2x4",
)
_TORCH_DTYPES = (
    "float32",
    "float",
    "float64",
    "double",
    "float16",
    "half",
    "bfloat16",
    "int64",
    "long",
    "int32",
    "int",
    "int16",
    "short",
    "int8",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "complex64",
    "cfloat",
    "complex128",
    "cdouble",
    "complex32",
    "chalf",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "quint2x4",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "float4_e2m1fn_x2",
)
_TORCH_REBUILD = (
    "_rebuild_tensor",
    "_rebuild_tensor_v2",
    "_rebuild_tensor_v3",
    "_rebuild_parameter",
    "_rebuild_parameter_with_state",
    "_rebuild_qtensor",
    "_rebuild_sparse_tensor",
    "_rebuild_meta_tensor_no_storage",
    "_rebuild_wrapper_subclass",
    "_rebuild_nested_tensor",
    "_rebuild_device_tensor_from_cpu_tensor",
    "_rebuild_device_tensor_from_numpy",
)

SAFE_GLOBALS: frozenset[str] = frozenset(
    [f"torch._utils.{f}" for f in _TORCH_REBUILD]
    + [f"torch.{s}Storage" for s in _TORCH_STORAGES]
    + [f"torch.cuda.{s}Storage" for s in _TORCH_STORAGES]
    + [f"torch.{d}" for d in _TORCH_DTYPES]
    + [
        "torch.UntypedStorage",
        "torch.storage.UntypedStorage",
        "torch.storage.TypedStorage",
        "torch.Size",
        "torch.device",
        "torch.Tensor",
        "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch._tensor._rebuild_from_type_v2",
        "torch.per_tensor_affine",
        "torch.per_channel_affine",
        "torch.strided",
        "collections.OrderedDict",
        "_codecs.encode",
        "copyreg._reconstructor",
        "builtins.set",
        "builtins.frozenset",
        "builtins.slice",
        "builtins.complex",
        "builtins.bytearray",
        "builtins.object",
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.str",
        "builtins.bytes",
        "builtins.range",
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar",
        "numpy._core.multiarray.scalar",
        "numpy.core.numeric._frombuffer",
        "numpy._core.numeric._frombuffer",
        "numpy.dtype",
        "numpy.ndarray",
        "joblib.numpy_pickle.NumpyArrayWrapper",
        "joblib.numpy_pickle.NDArrayWrapper",
    ]
)

#: whole modules (and their submodules) with no business in a weights file
DANGEROUS_MODULES: frozenset[str] = frozenset(
    {
        "os",
        "posix",
        "nt",
        "subprocess",
        "runpy",
        "importlib",
        "pty",
        "socket",
        "shutil",
        "webbrowser",
        "code",
        "codeop",
        "marshal",
        "ctypes",
        "pip",
        "commands",
        "popen2",
        "multiprocessing",
        "asyncio",
        "http",
        "urllib",
        "requests",
        "ftplib",
        "telnetlib",
        "smtplib",
        "sys",
        "_posixsubprocess",
        "pickle",
        "_pickle",
        "dill",
        "cloudpickle",
    }
)
DANGEROUS_GLOBALS: frozenset[str] = frozenset(
    {
        "builtins.eval",
        "builtins.exec",
        "builtins.compile",
        "builtins.__import__",
        "builtins.getattr",
        "builtins.setattr",
        "builtins.delattr",
        "builtins.open",
        "builtins.apply",
        "builtins.execfile",
        "builtins.breakpoint",
        "builtins.input",
        "builtins.globals",
        "builtins.locals",
        "builtins.vars",
        "builtins.__builtins__",
        "types.CodeType",
        "types.FunctionType",
        "types.LambdaType",
        "types.ModuleType",
        "operator.attrgetter",
        "operator.methodcaller",
        "pkgutil.resolve_name",
        "pkgutil.get_loader",
        "functools.partial",
        "torch.load",
        "torch.serialization.load",
        "numpy.load",
        "torch._C._jit_script_compile",
        "torch.jit.load",
    }
)


class Verdict(Enum):
    SAFE = "safe"
    UNKNOWN = "unknown"
    DANGEROUS = "dangerous"


def _names(module: str, name: str) -> list[str]:
    out = [f"{module}.{name}"]
    mapped = _compat_pickle.NAME_MAPPING.get((module, name))
    if mapped is not None:
        out.append(f"{mapped[0]}.{mapped[1]}")
    elif module in _compat_pickle.IMPORT_MAPPING:
        out.append(f"{_compat_pickle.IMPORT_MAPPING[module]}.{name}")
    return out


def classify(module: str, name: str) -> Verdict:
    names = _names(module, name)
    for dotted in names:
        mod = dotted.rsplit(".", 1)[0]
        if dotted in DANGEROUS_GLOBALS or any(
            mod == m or mod.startswith(m + ".") for m in DANGEROUS_MODULES
        ):
            return Verdict.DANGEROUS
    return Verdict.SAFE if any(d in SAFE_GLOBALS for d in names) else Verdict.UNKNOWN


def format_finding(path: str, *, key: str | None = None) -> Finding:
    """OPN-PKL-000: once per file whose loading runs a pickle."""
    return finding(
        "OPN-PKL-000",
        "pickle-based format runs code when loaded; prefer safetensors",
        Location(path, offset=0, key=key),
        "pickle",
    )


def global_findings(
    path: str, imports: Iterable[tuple[str, str, int]], *, key: str | None = None
) -> list[Finding]:
    """One finding per distinct global outside the safe set, at its first (module, name, offset)."""
    seen: dict[str, tuple[str, str, int, int]] = {}
    for module, name, offset in imports:
        dotted = f"{module}.{name}"
        first = seen.get(dotted)
        seen[dotted] = (module, name, offset, 1) if first is None else (*first[:3], first[3] + 1)
    findings: list[Finding] = []
    for dotted, (module, name, offset, count) in seen.items():
        verdict = classify(module, name)
        if verdict is Verdict.SAFE:
            continue
        more = f" ({count} occurrences)" if count > 1 else ""
        if verdict is Verdict.DANGEROUS:
            rule, reason = "OPN-PKL-001", "imports a known-dangerous callable"
        else:
            rule, reason = "OPN-PKL-002", "imports a global outside the safe set"
        findings.append(
            finding(rule, reason + more, Location(path, offset=offset, key=key), dotted)
        )
    return findings
