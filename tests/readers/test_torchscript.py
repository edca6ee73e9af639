"""TorchScript archives: real torch.jit.save output is clean and complete; tampered ones are not.

Real archives come from torch.jit.script / trace / freeze / save; tampered ones are those archives
with one member rewritten (a data.pkl importing os.system, a code/ file calling a custom op or
Python, a pickled class whose code was removed).
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from openness.limits import Limits
from openness.model import ReaderResult, Severity
from openness.readers.pytorch import PytorchZipReader

torch = pytest.importorskip("torch")
nn = torch.nn


def read(path: Path) -> ReaderResult:
    with path.open("rb") as f:
        return PytorchZipReader().read(path.name, path.stat().st_size, f, Limits())


def above_low(result: ReaderResult) -> list[str]:
    return [
        f"{f.rule_id} {f.trigger} {f.reason}" for f in result.findings if f.severity > Severity.LOW
    ]


def rules(result: ReaderResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in result.findings:
        out.setdefault(f.rule_id, []).append(f.trigger)
    return out


# -- real archives ---------------------------------------------------------------------------


class Block(nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 3)
        self.register_buffer("running", torch.zeros(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.lin(x)) + self.running


class Net(nn.Module):  # type: ignore[misc]
    """Submodules, buffers, containers, an LSTM, dict outputs, asserts and raises."""

    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.seq = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.LayerNorm(3))
        self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(2)])
        self.conv = nn.Conv1d(1, 2, 3)
        self.bn = nn.BatchNorm1d(2)
        self.lstm = nn.LSTM(3, 3, batch_first=True)
        self.emb = nn.Embedding(10, 3)
        self.names = ["a", "b"]

    def forward(self, x: torch.Tensor, idx: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        y = self.seq(self.block(x))
        for layer in self.layers:
            y = layer(y)
        if idx is not None:
            y = y + self.emb(idx).sum(0)
        z, _ = self.lstm(y.unsqueeze(0))
        c = self.bn(self.conv(y.reshape(-1, 1, 3)))
        assert y.dim() == 2, "bad"
        if len(self.names) > 3:
            raise ValueError("too many " + str(len(self.names)))
        return {"y": y, "z": z.mean() + c.max() + float(int(y.size(0)))}


class Forks(nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.ones(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fut = torch.jit.fork(torch.neg, x)
        y = torch.jit.wait(fut)
        print("shape", y.shape)
        total = sum([i * 2 for i in range(3)])
        return y + self.w * total + max(1, 2) + abs(-1)


@torch.jit.script
class Scale:
    def __init__(self, s: float) -> None:
        self.s = s

    def go(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.s


class UsesClass(nn.Module):  # type: ignore[misc]
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return Scale(2.0).go(x)


def _save(module: object, path: Path) -> Path:
    torch.jit.save(module, str(path))
    return path


def _quantized_dynamic(path: Path) -> Path:
    model = nn.Sequential(nn.Linear(4, 4), nn.LSTM(4, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eager quantization is deprecated, still written
        q = torch.ao.quantization.quantize_dynamic(model, {nn.Linear, nn.LSTM}, dtype=torch.qint8)
        return _save(torch.jit.script(q), path)


def _lite(path: Path) -> Path:
    torch.jit.script(nn.Sequential(nn.Linear(4, 3), nn.ReLU()))._save_for_lite_interpreter(
        str(path)
    )
    return path


REAL: dict[str, Callable[[Path], Path]] = {
    "script_linear": lambda p: _save(torch.jit.script(nn.Linear(4, 3)), p),
    "trace_linear": lambda p: _save(torch.jit.trace(nn.Linear(4, 3), torch.randn(2, 4)), p),
    "trace_submodules": lambda p: _save(torch.jit.trace(Block(), torch.randn(2, 4)), p),
    "script_net": lambda p: _save(torch.jit.script(Net().eval()), p),
    "freeze_net": lambda p: _save(torch.jit.freeze(torch.jit.script(Net().eval())), p),
    "script_fork_print": lambda p: _save(torch.jit.script(Forks()), p),
    "script_class": lambda p: _save(torch.jit.script(UsesClass()), p),
    "quantized_dynamic": _quantized_dynamic,
    "lite_interpreter": _lite,
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_torchscript_is_clean_and_complete(name: str, tmp_path: Path) -> None:
    path = REAL[name](tmp_path / f"{name}.pt")
    result = read(path)
    assert above_low(result) == []
    assert result.artifact.complete, result.artifact.note
    found = rules(result)
    assert set(found) <= {"OPN-PKL-000", "OPN-TSC-001"}, found
    assert len(found["OPN-TSC-001"]) == 1
    loaded = torch.jit.load(str(path))  # a file this test made
    state = {
        t.untyped_storage().data_ptr(): t.numel()
        for t in loaded.state_dict().values()
        if isinstance(t, torch.Tensor) and not t.is_quantized
    }
    assert (result.artifact.parameters or 0) >= sum(state.values())
    if name in ("script_linear", "trace_linear", "script_net"):
        assert result.artifact.parameters == sum(state.values())
    if name == "freeze_net":  # the weights are constants: counted from constants.pkl
        assert (result.artifact.parameters or 0) > 100


def test_quantized_archive_names_its_operators(tmp_path: Path) -> None:
    result = read(_quantized_dynamic(tmp_path / "q.pt"))
    namespaces = {e.value for e in result.evidence if e.fact == "torchscript.op_namespaces"}
    assert namespaces == {("prim", "quantized")}


# -- tampered archives -------------------------------------------------------------------------


def _rewrite(src: Path, dst: Path, edit: Callable[[str, bytes], bytes | None]) -> Path:
    """Copy an archive, passing each member through `edit` (None drops it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


def _base(tmp_path: Path) -> Path:
    return _save(torch.jit.script(Net().eval()), tmp_path / "base.pt")


def _with_os_system(data: bytes) -> bytes:
    """data.pkl that first runs `os.system('touch MARKER')`, then builds the module as before."""
    assert data[:2] == b"\x80\x02"  # PROTO 2, as TorchScript writes it
    payload = b"cos\nsystem\nX\x0c\x00\x00\x00touch MARKER\x85R0"  # GLOBAL arg TUPLE1 REDUCE POP
    return data[:2] + payload + data[2:]


def test_data_pkl_importing_os_system(tmp_path: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        return _with_os_system(data) if name.endswith("/data.pkl") else data

    path = _rewrite(_base(tmp_path), tmp_path / "evil.pt", edit)
    found = rules(read(path))
    assert "os.system" in found["OPN-PKL-001"]


def test_data_pkl_os_system_really_runs_under_a_python_unpickler(tmp_path: Path) -> None:
    """The payload is live: a Python unpickler over data.pkl runs it (in a throwaway process)."""

    def edit(name: str, data: bytes) -> bytes:
        return _with_os_system(data) if name.endswith("/data.pkl") else data

    path = _rewrite(_base(tmp_path), tmp_path / "evil.pt", edit)
    victim = tmp_path / "victim"
    victim.mkdir()
    code = (
        "import pickle, sys, zipfile\n"
        "z = zipfile.ZipFile(sys.argv[1])\n"
        "name = next(n for n in z.namelist() if n.endswith('/data.pkl'))\n"
        "try:\n"
        "    pickle.load(z.open(name))  # stops at the first __torch__ class, after the payload\n"
        "except Exception:\n"
        "    pass\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=victim, capture_output=True, timeout=120
    )
    assert (victim / "MARKER").exists()


def test_code_calling_a_custom_op_and_python(tmp_path: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if b"class Net(Module)" in data and name.endswith(".py"):
            text = data.decode()
            text = text.replace(
                "return ",
                "_evil = ops.my_ops.run_shell(x)\n    _w = torch.save(x, '/tmp/w')\n    return ",
                1,
            )
            text += "\ndef helper(x: Tensor) -> Tensor:\n  return eval('x')\n"
            return text.encode()
        return data

    path = _rewrite(_base(tmp_path), tmp_path / "evil.pt", edit)
    result = read(path)
    found = rules(result)
    assert "ops.my_ops.run_shell" in found["OPN-TSC-002"]
    assert "torch.save" in found["OPN-TSC-002"]
    assert "eval" in found["OPN-TSC-002"]
    high = [f for f in result.findings if f.rule_id == "OPN-TSC-002"]
    assert all(f.severity is Severity.HIGH and f.location.line for f in high)


def test_pickled_class_without_code(tmp_path: Path) -> None:
    # TorchScript mangles a class scripted again in one process with other types: after another
    # test scripted an LSTM, Net's is `rnn.___torch_mangle_N.LSTM` in `rnn/___torch_mangle_N.py`
    # (that made this test depend on test order under pytest -n). Script one first, so the
    # mangled case is the one tested whatever ran before, and drop every rnn code file.
    torch.jit.script(nn.LSTM(5, 5))

    def edit(name: str, data: bytes) -> bytes | None:
        return None if re.search(r"torch/nn/modules/rnn(/[^/]+)?\.py$", name) else data

    path = _rewrite(_base(tmp_path), tmp_path / "nocode.pt", edit)
    found = rules(read(path))
    lstm = r"__torch__\.torch\.nn\.modules\.rnn\.(___torch_mangle_\d+\.)?LSTM"
    assert any(re.fullmatch(lstm, name) for name in found["OPN-TSC-003"]), found["OPN-TSC-003"]


def test_custom_class_from_an_unknown_namespace(tmp_path: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name.endswith("/data.pkl"):
            old = b"__torch__.torch.nn.modules.activation\nReLU\n"
            new = b"__torch__.torch.classes.evil\nShell\n"
            assert old in data
            return data.replace(old, new)
        return data

    path = _rewrite(_base(tmp_path), tmp_path / "custom.pt", edit)
    found = rules(read(path))
    assert "__torch__.torch.classes.evil.Shell" in found["OPN-TSC-002"]


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (b"def f(:\n", "does not parse"),
        (b"\xff\xfe not text", "not UTF-8"),
        (b"x = " + b"(" * 300 + b")" * 300 + b"\n", "does not parse"),
        (b"x = 1\0\n", "does not parse"),
    ],
)
def test_unparsable_code_is_incomplete_not_clean(tmp_path: Path, source: bytes, why: str) -> None:
    def edit(name: str, data: bytes) -> bytes:
        return source if name.endswith("torch/nn/modules/sparse.py") else data

    path = _rewrite(_base(tmp_path), tmp_path / "bad.pt", edit)
    result = read(path)
    assert not result.artifact.complete and why in result.artifact.note
    reasons = [f.reason for f in result.findings if f.rule_id == "OPN-TSC-004"]
    assert reasons and why in reasons[0]


def test_imports_and_reflection_in_code(tmp_path: Path) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if b"class Net(Module)" in data and name.endswith(".py"):
            extra = b"import os\ndef g(x: Tensor) -> Tensor:\n  return x.__class__.__bases__\n"
            return extra + data
        return data

    path = _rewrite(_base(tmp_path), tmp_path / "refl.pt", edit)
    found = rules(read(path))
    assert {"os", "__class__", "__bases__"} <= set(found["OPN-TSC-002"])


def test_code_without_constants_pkl_is_not_torchscript(tmp_path: Path) -> None:
    """torch.load unpickles such an archive with Python: the ordinary pickle policy applies."""

    def edit(name: str, data: bytes) -> bytes | None:
        return None if name.endswith("/constants.pkl") else data

    path = _rewrite(
        _save(torch.jit.script(nn.Linear(2, 2)), tmp_path / "s.pt"), tmp_path / "n.pt", edit
    )
    result = read(path)
    found = rules(result)
    assert any(t.startswith("__torch__.torch.nn.modules.linear") for t in found["OPN-PKL-002"])
    [tsc] = [f for f in result.findings if f.rule_id == "OPN-TSC-001"]
    assert tsc.severity is Severity.MEDIUM


def test_many_code_files_and_calls_are_bounded(tmp_path: Path) -> None:
    body = "".join(f"  y{i} = ops.ns{i}.op(x)\n" for i in range(500))
    source = f"def f(x: Tensor) -> Tensor:\n{body}  return x\n".encode()

    def edit(name: str, data: bytes) -> bytes:
        return source if name.endswith("torch/nn/modules/sparse.py") else data

    path = _rewrite(_base(tmp_path), tmp_path / "many.pt", edit)
    result = read(path)
    assert 0 < len([f for f in result.findings if f.rule_id == "OPN-TSC-002"]) <= 50
