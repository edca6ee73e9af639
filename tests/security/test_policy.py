"""The pickle policy table: allowlist first, dangerous names wherever they hide."""

from __future__ import annotations

import pytest

from openness.readers.pickle.policy import Verdict, classify


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("os", "system"),
        ("posix", "system"),
        ("__builtin__", "eval"),
        ("builtins", "getattr"),
        ("importlib", "import_module"),
        ("inspect", "getattr_static"),
        ("inspect", "builtins"),  # a module object reached as an attribute
        ("numpy", "__builtins__"),
        ("pathlib", "os.system"),  # protocol 4 dotted name
        ("torch.serialization", "os"),
        ("runpy", "_run_code"),
        ("pip", "main"),
        ("pip._internal.cli.main", "main"),
        ("pkgutil", "resolve_name"),
        ("operator", "attrgetter"),
        ("_operator", "methodcaller"),
        ("types", "CodeType"),
        ("marshal", "loads"),
        ("ctypes", "CDLL"),
        ("asyncio.subprocess", "create_subprocess_exec"),
        ("asyncio.unix_events", "_UnixSubprocessTransport"),
        ("urllib.request", "urlretrieve"),
        ("_io", "FileIO"),
        ("torch.hub", "load"),
        ("torch", "load"),
        ("timeit", "timeit"),
        ("numpy.testing._private.utils", "runstring"),
        ("some.library", "system"),
        ("<dynamic>", "<dynamic>"),
    ],
)
def test_dangerous(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.DANGEROUS


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch", "FloatStorage"),
        ("collections", "OrderedDict"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("sklearn.linear_model._logistic", "LogisticRegression"),
        ("sklearn.tree._tree", "Tree"),
    ],
)
def test_safe(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.SAFE


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("sklearn.utils", "some_function"),  # library functions are not allowlisted, classes are
        ("torch.nn.modules.linear", "Linear"),
        ("mypackage", "Model"),
        ("sklearn.pipeline", "Pipeline.Inner"),
    ],
)
def test_unknown(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.UNKNOWN
