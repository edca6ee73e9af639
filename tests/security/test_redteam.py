"""Red-team regressions: allowlisted re-exports, CPython's number parsing, odd joblib wrappers."""

from __future__ import annotations

import io
import pickle

import pytest

from openness.limits import Limits
from openness.readers.pickle.handlers import parse_int, parse_long
from openness.readers.pickle.policy import Verdict, classify
from openness.readers.pickle.walker import walk


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("sklearn.datasets._covtype", "GzipFile"),  # gzip.GzipFile imported into sklearn
        ("sklearn.datasets._lfw", "Memory"),  # joblib.Memory: creates its cache folder
        ("sklearn.callback._transport", "Listener"),  # multiprocessing.connection
        ("sklearn.datasets._base", "Path"),
        ("sklearn.utils", "NotAClassOfSklearn"),
        ("sklearn.externals.array_api_compat.torch", "CompilationUnit"),
        ("scipy.sparse.linalg._propack", "PropackError"),
    ],
)
def test_reexports_under_library_packages_are_not_safe(module: str, name: str) -> None:
    assert classify(module, name) is not Verdict.SAFE


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("sklearn.linear_model.logistic", "LogisticRegression"),  # scikit-learn < 0.22 path
        ("sklearn.ensemble._forest", "RandomForestClassifier"),
        ("sklearn._loss.loss", "HalfBinomialLoss"),
    ],
)
def test_library_classes_stay_safe(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.SAFE


@pytest.mark.parametrize(
    "name", ["joblib.numpy_pickle.NDArrayWrapper", "joblib.numpy_pickle_compat.NDArrayWrapper"]
)
def test_legacy_joblib_wrapper_is_dangerous(name: str) -> None:
    module, _, attr = name.rpartition(".")
    assert classify(module, attr) is Verdict.DANGEROUS


@pytest.mark.parametrize("text", ["0x1f", "010", "-010", " 7", "+1", "00", "01", "-0", "1_0", "0"])
def test_int_reads_like_cpython(text: str) -> None:
    assert parse_int(text) == pickle.loads(b"I" + text.encode() + b"\n.")
    assert type(parse_int(text)) is type(pickle.loads(b"I" + text.encode() + b"\n."))


@pytest.mark.parametrize("text", ["0x10L", "12L", "-0x5L", "00L"])
def test_long_reads_like_cpython(text: str) -> None:
    assert parse_long(text) == pickle.loads(b"L" + text.encode() + b"\n.")


def test_overlong_lines_do_not_stop_the_walk() -> None:
    data = b"\x80\x04I" + b"0" * 70_000 + b"1\n0c" + b"os\n" + b"path.os." * 9000 + b"system\n."
    result = walk(io.BytesIO(data), len(data), Limits())
    assert [(g.module, g.name) for g in result.globals] == [("os", "<overlong>")]
    assert classify("os", "<overlong>") is Verdict.DANGEROUS
