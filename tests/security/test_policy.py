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
        ("torch.fx.graph_module", "reduce_graph_module"),  # execs the code it is given
        ("antigravity", "Any"),  # importing it opens a web browser
        ("json.__main__", "main"),  # importing pkg.__main__ runs its command line
        ("pathlib", "Path.write_text"),  # only the path classes themselves are exempt
        ("uuid", "_get_command_stdout"),  # runs the command it is given; uuid.UUID is data
        ("copyreg", "add_extension"),  # then EXT1 fetches what it registered
        ("torch.utils.collect_env", "run"),
        ("logging", "FileHandler"),
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
        ("torch.nn.modules.linear", "Linear"),  # torch.save(model) pickles its module classes
        ("torch.ao.nn.quantized.modules.linear", "LinearPackedParams"),
        ("torch.nn.functional", "relu"),  # an activation kept as a module attribute
        ("torch._C._nn", "gelu"),
        ("numpy.random._pickle", "__randomstate_ctor"),  # a RandomState in a scikit-learn model
        ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
        ("datetime", "datetime"),
        ("collections", "defaultdict"),
        ("argparse", "Namespace"),  # fairseq-style training arguments
        ("pathlib", "PosixPath"),  # a path in a Lightning config
        ("__builtin__", "set"),  # protocol 2 written by Python 3 names builtins this way
        ("numpy", "float64"),  # dtype=np.float64 as an estimator parameter
        ("numpy", "log1p"),  # FunctionTransformer(np.log1p)
        ("numpy.ma.core", "_mareconstruct"),
        ("sklearn.neighbors._kd_tree", "newObj"),
        ("sklearn.calibration", "_CalibratedClassifier"),  # private classes are the library's too
    ],
)
def test_safe(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.SAFE


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("sklearn.utils", "some_function"),  # library functions are not allowlisted, classes are
        ("torch.nn.modules.linear", "Linearish"),  # torch.nn classes by name, not by pattern
        ("transformers.models.bert.modeling_bert", "BertModel"),
        ("mypackage", "Model"),
        ("sklearn.pipeline", "Pipeline.Inner"),
    ],
)
def test_unknown(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.UNKNOWN
