"""Keras: the Keras 3 `.keras` zip (config.json, metadata.json, model.weights.h5) and legacy `.h5`.

The model config is JSON read as data: layer classes are counted, `Lambda` layers (which carry
marshalled Python bytecode that runs on load) and layers from non-Keras modules are findings.
HDF5 is read with h5py, imported lazily; only attributes, dataset shapes and dtypes are read, never
tensor data, and only hard links are followed (soft and external links are ignored).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..errors import FormatError
from ..limits import Limits
from ..model import Artifact, Evidence, Finding, Location, ReaderResult, TensorInfo
from ..rules import finding
from . import detect
from .common import ZIP_ERRORS, count_parameters, fact, open_zip
from .numpy import dtype_name

KRS_001 = "OPN-KRS-001"
KRS_002 = "OPN-KRS-002"
_LAMBDA_REASON = "Lambda layer carries serialized code that runs on load"
_CUSTOM_REASON = "layer class from a custom module"
#: module roots of Keras itself and its official libraries
KNOWN_MODULES = frozenset({"keras", "keras_hub", "keras_nlp", "keras_cv", "tf_keras", "tensorflow"})
#: keys whose value is a layer or a list of layers: models list theirs under "layers", wrappers
#: (TimeDistributed, Bidirectional, RNN) hold one under these others, Lambda layers included
_LAYER_KEYS = frozenset({"layers", "layer", "forward_layer", "backward_layer", "cell", "cells"})
MAX_FINDINGS = 50
MAX_H5_DEPTH = 32
#: top-level groups holding optimizer state (legacy .h5, Keras 3 model.weights.h5), not weights
_OPTIMIZER_GROUPS = frozenset({"optimizer_weights", "optimizer"})
NO_H5PY = "install openness[hdf5] to read HDF5"


@dataclass
class _Scan:
    """What a Keras model config says, gathered from one walk over its JSON."""

    file: str
    prefix: str  # "config.json:" inside a .keras zip, "model_config:" in a .h5
    class_name: str | None = None
    layers: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    def flag(self, rule: str, reason: str, where: str, trigger: str) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(
                finding(rule, reason, Location(self.file, key=self.prefix + where), trigger=trigger)
            )


def scan_config(config: Any, scan: _Scan) -> None:
    """Walk a model config iteratively; layers are the dicts held under a _LAYER_KEYS key."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        scan.class_name = config["class_name"]
    stack: list[tuple[Any, str, bool, bool]] = [(config, "", False, False)]
    while stack:
        obj, where, is_layer, in_lambda = stack.pop()
        if isinstance(obj, list):
            stack.extend((v, f"{where}[{i}]", is_layer, in_lambda) for i, v in enumerate(obj))
            continue
        if not isinstance(obj, dict):
            continue
        cls = obj.get("class_name")
        if is_layer and isinstance(cls, str):
            scan.layers[cls] += 1
            if cls == "Lambda":
                in_lambda = True
                scan.flag(KRS_001, _LAMBDA_REASON, where, _lambda_trigger(obj))
            module = _custom_module(obj)
            if module:
                scan.flag(KRS_002, _CUSTOM_REASON, where, f"{module}.{cls}")
        elif cls == "__lambda__" and not in_lambda:
            scan.flag(KRS_001, "serialized lambda function runs on load", where, "__lambda__")
        for key, value in obj.items():
            if isinstance(value, dict | list):
                sub = f"{where}.{key}" if where else str(key)
                stack.append((value, sub, key in _LAYER_KEYS, in_lambda))


def _lambda_trigger(layer: dict[str, Any]) -> str:
    cfg = layer.get("config")
    name = cfg.get("name") if isinstance(cfg, dict) else None
    kind = cfg.get("function_type") if isinstance(cfg, dict) else None
    return f"Lambda {name!s}" + (f" ({kind})" if isinstance(kind, str) else "")


def _custom_module(layer: dict[str, Any]) -> str | None:
    module, registered = layer.get("module"), layer.get("registered_name")
    if isinstance(module, str) and module:
        return None if module.split(".")[0] in KNOWN_MODULES else module
    if isinstance(registered, str) and ">" in registered:
        package = registered.split(">")[0]
        return None if package in KNOWN_MODULES else package
    return None


def _config_evidence(scan: _Scan) -> list[Evidence]:
    ev: list[Evidence] = []
    if scan.class_name:
        ev.append(
            fact("keras.class_name", scan.class_name, scan.file, key=scan.prefix + "class_name")
        )
    ev.append(
        fact(
            "keras.layers",
            tuple(scan.layers.most_common()),
            scan.file,
            key=scan.prefix + "config.layers",
            note="layer classes with their counts",
        )
    )
    return ev


def _parse_json(raw: bytes | str, what: str, limit: int) -> Any:
    if len(raw) > limit:
        raise FormatError(f"{what} is over {limit:,} bytes", key=what)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise FormatError(f"{what} is not valid JSON: {type(exc).__name__}", key=what) from None


# --- HDF5 ---------------------------------------------------------------------------------


def h5_tensors(h5: Any, limits: Limits) -> list[TensorInfo]:
    """Dataset shapes and dtypes under an open h5py File/Group, optimizer state excluded."""
    import h5py

    tensors: list[TensorInfo] = []
    seen: set[Any] = set()
    stack: list[tuple[Any, str, int]] = [(h5, "", 0)]
    while stack:
        group, prefix, depth = stack.pop()
        for name in group:
            if not isinstance(group.get(name, getlink=True), h5py.HardLink):
                continue
            obj = group[name]
            full = f"{prefix}/{name}"
            if obj.id in seen or (depth == 0 and name in _OPTIMIZER_GROUPS):
                continue
            seen.add(obj.id)
            if isinstance(obj, h5py.Group):
                if depth >= MAX_H5_DEPTH:
                    raise FormatError(f"HDF5 groups nested deeper than {MAX_H5_DEPTH}", key=full)
                stack.append((obj, full, depth + 1))
            elif isinstance(obj, h5py.Dataset) and obj.shape is not None:
                if len(tensors) >= limits.max_tensors:
                    raise FormatError(f"more than {limits.max_tensors:,} HDF5 datasets", key=full)
                tensors.append(
                    TensorInfo(full, dtype_name(obj.dtype.str), tuple(int(d) for d in obj.shape))
                )
    return tensors


#: an attribute we read as text is a string no larger than this
MAX_ATTR_BYTES = 16 * 1024 * 1024


def _attr_text(h5: Any, name: str) -> str | None:
    """A string attribute, or None. Type and size are checked on the attribute's header first:
    asking h5py for the value of a damaged opaque or huge attribute can spin or allocate."""
    import h5py

    try:
        attr = h5py.h5a.open(h5.id, name.encode())
    except (KeyError, OSError, ValueError):
        return None
    if attr.dtype.kind not in ("S", "O", "U") or attr.get_storage_size() > MAX_ATTR_BYTES:
        return None
    value = h5.attrs.get(name)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else None


def _weights(path: str, tensors: list[TensorInfo], key: str) -> list[Evidence]:
    total, _ = count_parameters(tensors)
    note = "dataset shapes in the HDF5 weights, optimizer state excluded"
    return [
        fact("weights.tensors", len(tensors), path, key=key, note=note),
        fact("weights.parameters", total, path, key=key, note=note),
    ]


def _result(
    path: str,
    fmt: str,
    tensors: list[TensorInfo] | None,
    arch: str | None,
    ev: list[Evidence],
    findings: list[Finding],
    problem: str,
) -> ReaderResult:
    total, dtypes = count_parameters(tensors or [])
    known = tensors is not None and not problem
    return ReaderResult(
        Artifact(
            path,
            fmt,
            total if known else None,
            len(tensors) if tensors is not None and known else None,
            dtypes,
            arch,
            not problem,
            problem,
        ),
        tuple(ev),
        tuple(findings),
        tensors=tuple(tensors or ()),
    )


class Hdf5Reader:
    """Legacy Keras `.h5` (and any HDF5 file): attributes, dataset shapes and dtypes."""

    formats: tuple[str, ...] = (detect.HDF5,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        try:
            import h5py
        except ImportError:
            return ReaderResult(Artifact(path, detect.HDF5, complete=False, note=NO_H5PY))
        ev: list[Evidence] = []
        scan = _Scan(path, "model_config:")
        try:
            stream.seek(0)
            with h5py.File(stream, "r") as h5:
                version, backend = _attr_text(h5, "keras_version"), _attr_text(h5, "backend")
                if version:
                    ev.append(fact("keras.version", version, path, key="keras_version"))
                if backend:
                    ev.append(fact("keras.backend", backend, path, key="backend"))
                config_text = _attr_text(h5, "model_config")
                if config_text is not None:
                    scan_config(
                        _parse_json(config_text, "model_config", limits.max_json_bytes), scan
                    )
                    ev += _config_evidence(scan)
                tensors = h5_tensors(h5, limits)
        except FormatError as exc:
            if not ev:
                raise
            return _result(
                path,
                detect.HDF5,
                None,
                scan.class_name,
                ev,
                scan.findings,
                f"HDF5 read stopped: {exc}",
            )
        except Exception as exc:  # h5py raises OSError, KeyError, RuntimeError, ... on bad files
            if not ev:
                raise FormatError(f"cannot read HDF5 file: {exc}", offset=0) from None
            return _result(
                path,
                detect.HDF5,
                None,
                scan.class_name,
                ev,
                scan.findings,
                f"HDF5 read stopped: {type(exc).__name__}: {exc}",
            )
        ev += _weights(path, tensors, "/")
        return _result(path, detect.HDF5, tensors, scan.class_name, ev, scan.findings, "")


class KerasReader:
    """Keras 3 `.keras`: a zip with config.json, metadata.json and model.weights.h5."""

    formats: tuple[str, ...] = (detect.KERAS,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        zf = open_zip(stream, ".keras")
        with zf:
            names = set(zf.namelist())
            if "config.json" not in names:
                raise FormatError(".keras archive has no config.json", key="config.json")
            scan = _Scan(path, "config.json:")
            config = _parse_json(
                _member(zf, "config.json", limits.max_json_bytes),
                "config.json",
                limits.max_json_bytes,
            )
            scan_config(config, scan)
            ev = _config_evidence(scan)
            problems: list[str] = []
            if "metadata.json" in names:
                try:
                    meta = _parse_json(
                        _member(zf, "metadata.json", limits.max_json_bytes),
                        "metadata.json",
                        limits.max_json_bytes,
                    )
                    if isinstance(meta, dict) and isinstance(meta.get("keras_version"), str):
                        ev.append(
                            fact(
                                "keras.version",
                                meta["keras_version"],
                                path,
                                key="metadata.json:keras_version",
                            )
                        )
                except FormatError as exc:
                    problems.append(str(exc))
            tensors = self._weights(zf, names, limits, problems)
        if tensors is not None and not problems:
            ev += _weights(path, tensors, "model.weights.h5")
        return _result(
            path, detect.KERAS, tensors, scan.class_name, ev, scan.findings, "; ".join(problems)
        )

    @staticmethod
    def _weights(
        zf: zipfile.ZipFile, names: set[str], limits: Limits, problems: list[str]
    ) -> list[TensorInfo] | None:
        weights = "model.weights.h5"
        if weights not in names:
            problems.append(f"no {weights} in the archive")
            return None
        if zf.getinfo(weights).file_size > limits.max_header_bytes:
            problems.append(f"{weights} is over {limits.max_header_bytes:,} bytes; not read")
            return None
        try:
            import h5py
        except ImportError:
            problems.append(NO_H5PY)
            return None
        try:
            raw = _member(zf, weights, limits.max_header_bytes)
            with h5py.File(io.BytesIO(raw), "r") as h5:
                return h5_tensors(h5, limits)
        except Exception as exc:  # FormatError, zip errors, h5py's OSError/KeyError/...
            problems.append(f"{weights}: {type(exc).__name__}: {exc}")
            return None


def _member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, never more than `limit` (declared sizes can lie)."""
    try:
        with zf.open(name) as member:
            data = member.read(limit + 1)
    except ZIP_ERRORS as exc:
        raise FormatError(f"cannot read {name} from the archive: {exc}", key=name) from None
    if len(data) > limit:
        raise FormatError(f"{name} is over {limit:,} bytes", key=name)
    return data
