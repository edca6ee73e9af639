"""First-cut pickle policy: which imported globals real checkpoints need, which are known-dangerous.

A table, not logic. A global is classified under both its written name and the name Python 3
maps it to for protocol 0-2 pickles (`__builtin__.eval` loads `builtins.eval`).
"""

from __future__ import annotations

import _compat_pickle
from collections.abc import Iterable
from enum import Enum

from ...errors import FormatError
from ...lazy_re import lazy
from ...model import Finding, Location
from ...rules import finding
from .classes import (
    NUMPY_NAMES,
    NUMPY_RANDOM_CLASSES,
    SCIPY_SPARSE_CLASSES,
    SKLEARN_CLASSES,
    TORCH_AO_NN_CLASSES,
    TORCH_NN_CLASSES,
    TORCH_NN_FUNCTIONS,
)
from .values import (
    Call,
    ExtRef,
    Global,
    PDict,
    PersistentId,
    PList,
    PSet,
    Value,
    int_tuple,
    is_global,
)
from .walker import Walk

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
        "torch.nn.parameter.Buffer",
        "torch.nn.parameter.UninitializedParameter",
        "torch.nn.parameter.UninitializedBuffer",
        # numpy.random's pickle helpers (a Generator or RandomState in a scikit-learn model):
        # they call the bit-generator class or function they are given, which the policy
        # classifies where the pickle imports it
        "numpy.random._pickle.__generator_ctor",
        "numpy.random._pickle.__randomstate_ctor",
        "numpy.random._pickle.__bit_generator_ctor",
        "numpy.random.__RandomState_ctor",
        "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
        # plain data from the standard library (training arguments, configs, metrics)
        "collections.defaultdict",
        "collections.Counter",
        "collections.deque",
        "datetime.datetime",
        "datetime.date",
        "datetime.time",
        "datetime.timedelta",
        "datetime.timezone",
        "decimal.Decimal",
        "fractions.Fraction",
        "uuid.UUID",
        "argparse.Namespace",
        "types.SimpleNamespace",
        # masked arrays (a grid search's cv_results_)
        "numpy.ma.core._mareconstruct",
        "numpy.ma.core.MaskedArray",
        "numpy.ma.MaskedArray",
        # scikit-learn's neighbour trees: `newObj(cls)` is cls.__new__(cls) of the class given
        "sklearn.neighbors._kd_tree.newObj",
        "sklearn.neighbors._ball_tree.newObj",
        "sklearn.metrics._dist_metrics.newObj",
    ]
    + sorted(TORCH_NN_FUNCTIONS)
    + [f"numpy.{n}" for n in sorted(NUMPY_NAMES)]
)
#: path classes of a module otherwise refused (it reads and writes files): constructing a path
#: touches nothing, and checkpoints keep paths in their configs; exact names only, so
#: `pathlib` + `Path.write_text` is still refused
SAFE_IN_DANGEROUS_MODULES: frozenset[str] = frozenset(
    f"pathlib.{c}" for c in ("Path", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath")
)

#: whole modules (and their submodules) with no business in a weights file: process execution,
#: code loading and evaluation, reflection, file writing, the network, debuggers and profilers
#: that run statements, package installers, and loaders that re-enter pickle or torch.load
DANGEROUS_MODULES: frozenset[str] = frozenset(
    {
        # processes and the OS
        "os", "posix", "nt", "subprocess", "_posixsubprocess", "pty", "platform", "signal",
        "multiprocessing", "concurrent", "threading", "_thread", "asyncio", "sched", "atexit",
        "commands", "popen2", "sys", "resource", "fcntl", "termios", "tty", "mmap", "gc",
        "_signal", "faulthandler", "syslog", "pexpect", "_osx_support", "_aix_support",
        "_pyrepl", "_sqlite3", "test", "logging.config",
        # modules that act when imported (open a browser, print)
        "antigravity", "this", "__hello__", "__phello__", "turtledemo",
        # code loading, evaluation and reflection
        "runpy", "importlib", "imp", "zipimport", "pkgutil", "inspect", "code", "codeop",
        "marshal", "ctypes", "_ctypes", "cffi", "compileall", "py_compile", "site", "sysconfig",
        "_operator", "operator",
        # statements run by debuggers, profilers, timers, docs and test helpers
        "timeit", "cProfile", "profile", "pdb", "bdb", "trace", "pydoc", "doctest", "idlelib",
        "lib2to3", "tkinter", "turtle", "unittest",
        # installers and build tools
        "pip", "ensurepip", "venv", "distutils", "setuptools", "pkg_resources", "zipapp",
        # files
        "io", "_io", "shutil", "tempfile", "glob", "fileinput", "linecache", "pathlib", "shelve",
        "dbm", "sqlite3", "zipfile", "tarfile", "gzip", "bz2", "lzma", "webbrowser",
        # the network
        "socket", "_socket", "ssl", "select", "selectors", "http", "urllib", "urllib3", "requests",
        "httpx", "aiohttp", "ftplib", "telnetlib", "smtplib", "smtpd", "poplib", "imaplib",
        "nntplib", "xmlrpc", "socketserver", "wsgiref", "asyncore", "asynchat", "paramiko",
        # loaders that re-enter deserialization or evaluate text
        "pickle", "_pickle", "pickletools", "dill", "cloudpickle",
        "joblib.parallel", "joblib.externals", "yaml", "jinja2", "sympy", "pandas.io",
        "numpy.testing", "numpy.f2py", "numpy.distutils", "numpy.lib.npyio", "torch.hub",
        "torch.fx.graph_module", "torch.fx.experimental", "torch.utils.collect_env",
        "torch.utils._config_module", "torch.utils.bottleneck",
        "torch.utils.data.datapipes.utils.decoder",
        "torch.jit", "torch._inductor", "torch._dynamo", "torch.package",
        "torch.utils.cpp_extension", "torch.distributed", "keras.models", "tensorflow.io",
    }
)  # fmt: skip
DANGEROUS_GLOBALS: frozenset[str] = frozenset(
    {
        "builtins.eval",
        "builtins.exec",
        "builtins.compile",
        "builtins.__import__",
        "builtins.getattr",
        "builtins.setattr",
        "builtins.delattr",
        "builtins.hasattr",
        "builtins.open",
        "builtins.apply",
        "builtins.execfile",
        "builtins.reload",
        "builtins.breakpoint",
        "builtins.input",
        "builtins.help",
        "builtins.exit",
        "builtins.quit",
        "builtins.globals",
        "builtins.locals",
        "builtins.vars",
        "builtins.dir",
        "builtins.type",
        "builtins.super",
        "builtins.memoryview",
        "builtins.map",
        "builtins.filter",
        "builtins.__builtins__",
        "torch.load",
        "torch.serialization.load",
        "torch.serialization._load",
        "torch._C._jit_script_compile",
        "torch.ops",
        "torch._ops.ops",
        "numpy.load",
        "numpy.loads",
        "numpy.fromfile",
        "numpy.tofile",
        "numpy.save",
        "numpy.savetxt",
        "numpy.loadtxt",
        "numpy.genfromtxt",
        "numpy.memmap",
        "joblib.load",
        "joblib.dump",
        # joblib < 0.10's wrapper: joblib.load np.load()s the file it names with allow_pickle
        "joblib.numpy_pickle.NDArrayWrapper",
        "joblib.numpy_pickle_compat.NDArrayWrapper",
        "joblib.numpy_pickle_compat.ZNDArrayWrapper",
        "pandas.read_pickle",
        "pandas.eval",
        "types.CodeType",
        "types.FunctionType",
        "types.LambdaType",
        "types.MethodType",
        "types.ModuleType",
        "types.BuiltinFunctionType",
        "functools.partial",
        "functools.partialmethod",
        "functools.reduce",
        "builtins.raw_input",
        # EXT opcodes then fetch whatever the pickle registered: an importer
        "copyreg.add_extension",
        "copyreg.remove_extension",
        "logging.FileHandler",
        # uuid.UUID is data; these run ifconfig/arp/netstat, or any command they are given
        "uuid._get_command_stdout",
        "uuid._popen",
        "uuid.getnode",
        "uuid._arp_getnode",
        "uuid._ifconfig_getnode",
        "uuid._ip_getnode",
        "uuid._lanscan_getnode",
        "uuid._netstat_getnode",
    }
)
#: attribute names that are dangerous whatever module they are reached through
DANGEROUS_NAMES: frozenset[str] = frozenset(
    {
        "system",
        "popen",
        "exec",
        "eval",
        "execfile",
        "execv",
        "execve",
        "execvp",
        "execvpe",
        "spawnv",
        "spawnve",
        "spawnl",
        "startfile",
        "_run_code",
        "run_path",
        "run_module",
        "runstring",
        "getattr_static",
        "import_module",
        "resolve_name",
        "load_module",
        "__import__",
        "attrgetter",
        "methodcaller",
        "create_subprocess_exec",
        "create_subprocess_shell",
    }
)
#: library classes real scikit-learn/joblib models rebuild: a class these packages define (by
#: name, so models saved by other versions still match), reached through one of their modules
SAFE_CLASSES: tuple[tuple[str, frozenset[str]], ...] = (
    ("sklearn.", SKLEARN_CLASSES),
    ("scipy.sparse.", SCIPY_SPARSE_CLASSES),
    ("numpy.random.", NUMPY_RANDOM_CLASSES),
    ("torch.nn.modules.", TORCH_NN_CLASSES),
    ("torch.ao.nn.", TORCH_AO_NN_CLASSES),
)
#: their sub-packages that define no model parts and import file, socket and thread helpers
UNSAFE_CLASS_MODULES: frozenset[str] = frozenset(
    {
        "sklearn.externals",
        "sklearn.datasets",
        "sklearn.callback",
        "sklearn.conftest",
        "sklearn.utils._testing",
        "sklearn.utils.estimator_checks",
        "sklearn.utils._test_common",
        "sklearn.experimental",
    }
)
#: module objects reached as an attribute (`inspect.builtins`, `pathlib.os`) are as bad as
#: importing them
_MODULE_ATTRIBUTES = DANGEROUS_MODULES | {"builtins", "__builtin__"}


#: the running script (already imported), Python 2's name for builtins, and TorchScript's class
#: namespace (checked by the TorchScript reader; no Python module has that name)
_DUNDER_MODULES = frozenset({"__main__", "__builtin__", "__torch__"})


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
    """DANGEROUS, SAFE (exact allowlist or a library class) or UNKNOWN."""
    if module.startswith("<") or name.startswith("<") or not module or not name:
        return Verdict.DANGEROUS  # computed at load time, or longer than a real name
    parts = name.split(".")  # protocol 4 resolves dotted names attribute by attribute
    if any(_is_dunder(p) or p in _MODULE_ATTRIBUTES or p in DANGEROUS_NAMES for p in parts):
        return Verdict.DANGEROUS
    head, *rest = module.split(".")
    if (_is_dunder(head) and head not in _DUNDER_MODULES) or any(_is_dunder(p) for p in rest):
        return Verdict.DANGEROUS  # importing `pkg.__main__` runs the package's command line
    names = _names(module, name)
    if any(d in SAFE_IN_DANGEROUS_MODULES for d in names):
        return Verdict.SAFE
    for dotted in names:
        # the whole dotted path too: `torch` + `jit` is the torch.jit module object itself
        if dotted in DANGEROUS_GLOBALS or _under(dotted, DANGEROUS_MODULES):
            return Verdict.DANGEROUS
    if any(d in SAFE_GLOBALS for d in names):
        return Verdict.SAFE
    if len(parts) == 1 and _library_class(module, name):
        return Verdict.SAFE
    return Verdict.UNKNOWN


def _library_class(module: str, name: str) -> bool:
    if _under(module, UNSAFE_CLASS_MODULES):
        return False
    return any(f"{module}.".startswith(p) and name in names for p, names in SAFE_CLASSES)


def _is_dunder(part: str) -> bool:
    return len(part) > 4 and part.startswith("__") and part.endswith("__")


def _under(module: str, roots: frozenset[str]) -> bool:
    parts = module.split(".")
    return any(".".join(parts[:i]) in roots for i in range(1, len(parts) + 1))


def format_finding(path: str, *, key: str | None = None) -> Finding:
    """OPN-PKL-000: once per file whose loading runs a pickle."""
    return finding(
        "OPN-PKL-000",
        "pickle-based format runs code when loaded; prefer safetensors",
        Location(path, offset=0, key=key),
        "pickle",
    )


def global_findings(
    path: str,
    imports: Iterable[tuple[str, str, int]],
    *,
    key: str | None = None,
    instantiated: frozenset[str] = frozenset(),
) -> list[Finding]:
    """One finding per distinct global outside the safe set, at its first (module, name, offset).

    An unknown global in `instantiated` (see `instantiated_only`) is OPN-PKL-006, not -002."""
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
        elif dotted in instantiated:
            rule, reason = "OPN-PKL-006", "rebuilds an instance of a class outside the safe set"
        else:
            rule, reason = "OPN-PKL-002", "imports a global outside the safe set"
        findings.append(
            finding(rule, reason + more, Location(path, offset=offset, key=key), dotted)
        )
    return findings


_NEWOBJ = frozenset({"NEWOBJ", "NEWOBJ_EX"})


def module_class(value: Value) -> Global | None:
    """The class a legacy torch.save persistent id stands for: torch.load returns `cls` for
    ('module', cls, source_file, source), the form it writes for a whole model's classes."""
    if isinstance(value, PersistentId) and isinstance(value.value, tuple):
        pid = value.value
        if len(pid) == 4 and pid[0] == "module" and isinstance(pid[1], Global):
            return pid[1]
    return None


def instantiated_only(walk: Walk) -> frozenset[str]:
    """Globals whose every use is as the class of a NEWOBJ/NEWOBJ_EX without arguments (how pickle
    restores a plain instance: `cls.__new__(cls)`, then its state); a global also called, built
    with arguments, passed to a call or kept as a value is not one. Only names the policy does
    not know need this, so the object tree is walked only when such a name was imported."""
    names = {g.dotted: g for g in walk.globals if not g.module.startswith("__torch__")}
    unknown = {d for d, g in names.items() if classify(g.module, g.name) is Verdict.UNKNOWN}
    if not unknown:
        return frozenset()
    created: set[str] = set()
    other: set[str] = set()
    todo: list[Value] = [p.value for p in walk.pickles]
    for call in walk.calls:
        cls = call.func if isinstance(call.func, Global) else module_class(call.func)
        plain = call.kind in _NEWOBJ and call.args == () and _no_kwargs(call.kwargs)
        if cls is not None and plain:
            created.add(cls.dotted)
        else:
            todo.append(call.func)
        todo += [call.args, call.kwargs, call.state, *call.appended]
        todo += [v for pair in call.items for v in pair]
    seen: set[int] = set()
    while todo:
        value = todo.pop()
        if isinstance(value, Global):
            other.add(value.dotted)
        elif isinstance(value, PersistentId):
            todo.append(value.value)
        elif isinstance(value, tuple | PList | PSet | PDict) and id(value) not in seen:
            seen.add(id(value))
            if isinstance(value, PDict):
                todo += [v for pair in value.items for v in pair]
            else:
                todo += value if isinstance(value, tuple) else value.items
    return frozenset((created - other) & unknown)


def _no_kwargs(kwargs: Value) -> bool:
    return kwargs is None or kwargs == () or (isinstance(kwargs, PDict) and not kwargs.items)


_MAX_INDIRECT = 20
#: allowed helpers that call (or `__new__`) one of their arguments: that argument's position
CALLS_ARGUMENT: dict[str, int] = {
    "torch._tensor._rebuild_from_type_v2": 0,
    "copyreg._reconstructor": 1,
    "numpy.random._pickle.__generator_ctor": 1,
    "numpy.random._pickle.__randomstate_ctor": 1,
    "numpy.random.__RandomState_ctor": 1,
    "numpy.random._pickle.__bit_generator_ctor": 0,
    "sklearn.neighbors._kd_tree.newObj": 0,
    "sklearn.neighbors._ball_tree.newObj": 0,
    "sklearn.metrics._dist_metrics.newObj": 0,
}
_COMPUTED = (Call, PersistentId, ExtRef)


def _passed_callable(call: Call) -> Value:
    """The computed value an allowed helper would call, if `call` hands it one."""
    at = CALLS_ARGUMENT.get(call.func.dotted) if isinstance(call.func, Global) else None
    if at is None or not isinstance(call.args, tuple) or len(call.args) <= at:
        return None
    arg = call.args[at]
    return arg if isinstance(arg, _COMPUTED) else None


def indirect_call_findings(
    path: str, walk: Walk, key: str | None = None, base: int = 0
) -> list[Finding]:
    """OPN-PKL-003: calls whose callable is not a named global (a reflection chain's result)."""
    out: list[Finding] = []
    for call in walk.calls:
        passed = _passed_callable(call)
        if passed is not None:
            what, how = _describe(passed), f"{call.kind} of {_describe(call.func)} calls"
        elif isinstance(call.func, Global) or module_class(call.func) is not None:
            continue  # a module class is imported (and classified) where the pickle names it
        else:
            what, how = _describe(call.func), f"{call.kind} calls"
        out.append(
            finding(
                "OPN-PKL-003",
                f"{how} a value computed at load time ({what})",
                Location(path, offset=base + call.offset, key=key),
                what,
            )
        )
        if len(out) >= _MAX_INDIRECT:
            break
    return out


def _describe(value: Value) -> str:
    if isinstance(value, Global):
        return value.dotted
    if isinstance(value, Call) and isinstance(value.func, Global):
        return f"result of {value.func.dotted}(...)"
    return type(value).__name__


_WRAPPER = "joblib.numpy_pickle.NumpyArrayWrapper"
_WRAPPER_FIELDS = frozenset(
    {"subclass", "shape", "order", "dtype", "allow_mmap", "numpy_array_alignment_bytes"}
)
_PLAIN_DTYPE = lazy(r"[<>|=]?[a-zA-Z]\d*")


def wrapper_findings(path: str, walk: Walk, key: str | None = None, base: int = 0) -> list[Finding]:
    """OPN-PKL-005: joblib array wrappers not in joblib.dump's own form (NEWOBJ, then BUILD with
    a plain dict of plain fields): joblib decides from them which bytes follow."""
    out: list[Finding] = []
    for call in walk.calls:
        if not is_global(call.func, _WRAPPER):
            continue
        why = _odd_wrapper(call)
        if why is not None:
            out.append(
                finding(
                    "OPN-PKL-005",
                    f"joblib array wrapper {why}",
                    Location(path, offset=base + call.offset, key=key),
                    _WRAPPER,
                )
            )
    return out


def _odd_wrapper(call: Call) -> str | None:
    if call.kind != "NEWOBJ" or call.args != ():
        return f"made by {call.kind} with arguments, not NEWOBJ"
    state = call.state
    if not isinstance(state, PDict) or state.dropped:
        return "whose BUILD state is not a plain dict"
    fields = {k: v for k, v in state.items if isinstance(k, str) and k in _WRAPPER_FIELDS}
    if len(fields) != len(state.items):
        return "with fields joblib does not write"
    if int_tuple(fields.get("shape")) is None:
        return "whose shape is not a tuple of ints"
    if not isinstance(fields.get("numpy_array_alignment_bytes", 0), int):
        return "whose alignment is not an int"
    dtype = fields.get("dtype")
    if not isinstance(dtype, Call) or not is_global(dtype.func, "numpy.dtype"):
        return "whose dtype is not a numpy.dtype call"
    args = dtype.args
    if not isinstance(args, tuple) or not args or not isinstance(args[0], str):
        return "whose dtype is not named by a type string"
    if _PLAIN_DTYPE.fullmatch(args[0]) is None:
        return f"whose dtype is spelled {args[0][:40]!r}"
    flags = dtype.state[7] if isinstance(dtype.state, tuple) and len(dtype.state) >= 8 else 0
    if dtype.state is not None and not isinstance(flags, int):
        return "whose dtype state has no int flags"
    if isinstance(flags, int) and flags & 1 and not args[0].lstrip("<>|=").startswith("O"):
        return f"whose {args[0]!r} dtype's pickled flags claim Python objects"
    return None


def incomplete_finding(path: str, reason: str, exc: FormatError) -> Finding:
    """OPN-PKL-004: the walk stopped early; the rest of the pickle is unchecked."""
    return finding(
        "OPN-PKL-004",
        f"pickle not fully read: {reason}",
        Location(path, offset=exc.offset, key=exc.key),
        "incomplete",
    )
