"""Configuration and tokenizer files, recognised by name and read as JSON (or listed as present).

Facts: `config.*` from config.json, `generation_config.present`, `tokenizer.*`. A config that
needs `trust_remote_code` (an `auto_map`) is a finding: loading it runs Python from the repo.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from typing import Any

from ..model import Evidence, Finding, Location
from ..record import Record, record
from ..rules import finding
from .common import KEEP_TEMPLATE, fact

CONFIG_NAMES = frozenset(
    {
        "config.json",
        "generation_config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "vocab.txt",
        "vocab.json",
        "merges.txt",
        "tokenizer.model",
        "preprocessor_config.json",
        "processor_config.json",
        "chat_template.jinja",
        "chat_template.json",
        "modules.json",
        "config_sentence_transformers.json",
        "sentence_bert_config.json",
        "adapter_config.json",
        "model_index.json",
    }
)

#: config.json keys naming the same hyperparameter across architectures
_HIDDEN = ("hidden_size", "d_model", "n_embd", "dim", "model_dim")
_LAYERS = ("num_hidden_layers", "n_layer", "num_layers", "n_layers")
_VOCAB = ("vocab_size", "n_vocab")


@record
class ConfigResult(Record):
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()


#: transformers loads every `<name>.jinja` here as a named chat template, beside the default one
EXTRA_TEMPLATES = "additional_chat_templates"


def is_config(path: str) -> bool:
    return posixpath.basename(path).lower() in CONFIG_NAMES or _is_extra_template(path)


def is_config_at(path: str, root: str) -> bool:
    """A configuration file of the release whose root folder is `root`."""
    folder = posixpath.dirname(path)
    if _is_extra_template(path):
        return posixpath.dirname(folder) == root
    return folder == root and is_config(path)


def _is_extra_template(path: str) -> bool:
    folder = posixpath.basename(posixpath.dirname(path))
    return folder == EXTRA_TEMPLATES and path.lower().endswith(".jinja")


def read_config(path: str, data: bytes, all_paths: frozenset[str]) -> ConfigResult:
    name = posixpath.basename(path).lower()
    handler = _chat_template if _is_extra_template(path) else _HANDLERS.get(name)
    if handler is None:
        return ConfigResult((fact("tokenizer.file", path, path),) if _is_tokenizer(name) else ())
    if name.endswith(".json"):
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            reason = f"{name} is not valid JSON: {exc}"
            return ConfigResult(findings=(finding("OPN-CFG-002", reason, Location(path)),))
        if not isinstance(doc, dict):
            return ConfigResult()
        return handler(path, doc, data, all_paths)
    return handler(path, {}, data, all_paths)


def _is_tokenizer(name: str) -> bool:
    return name.startswith(("tokenizer", "vocab", "merges", "special_tokens"))


def _line_of(data: bytes, key: str) -> int | None:
    needle = f'"{key}"'.encode()
    at = data.find(needle)
    return None if at < 0 else data.count(b"\n", 0, at) + 1


def _first(doc: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, int] | None:
    for key in keys:
        value = doc.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return key, value
    return None


def _model_config(
    path: str, doc: dict[str, Any], data: bytes, all_paths: frozenset[str]
) -> ConfigResult:
    ev: list[Evidence] = [fact("config.present", path, path)]
    findings: list[Finding] = []

    def add(name: str, value: Any, key: str) -> None:
        ev.append(fact(name, value, path, line=_line_of(data, key), key=key))

    if isinstance(doc.get("model_type"), str):
        add("config.model_type", doc["model_type"], "model_type")
    archs = doc.get("architectures")
    if isinstance(archs, list) and all(isinstance(a, str) for a in archs) and archs:
        add("config.architectures", tuple(archs[:20]), "architectures")
    for fact_name, keys in (
        ("config.hidden_size", _HIDDEN),
        ("config.num_layers", _LAYERS),
        ("config.vocab_size", _VOCAB),
    ):
        found = _first(doc, keys)
        if found:
            add(fact_name, found[1], found[0])
    if isinstance(doc.get("torch_dtype") or doc.get("dtype"), str):
        key = "torch_dtype" if "torch_dtype" in doc else "dtype"
        add("config.dtype", doc[key], key)
    quant = doc.get("quantization_config")
    if isinstance(quant, dict) and isinstance(quant.get("quant_method"), str):
        add("config.quantization", quant["quant_method"], "quantization_config")
    auto_map = doc.get("auto_map")
    if isinstance(auto_map, dict) and auto_map:
        refs = sorted({str(v) for v in auto_map.values() if isinstance(v, str | list)})
        add("config.auto_map", tuple(refs[:20]), "auto_map")
        modules = _custom_modules(auto_map)
        folder = posixpath.dirname(path)
        missing = sorted(m for m in modules if posixpath.join(folder, f"{m}.py") not in all_paths)
        if missing:
            add("code.custom_missing", tuple(missing), "auto_map")
        findings.append(
            finding(
                "OPN-CFG-001",
                "config needs trust_remote_code: loading the model runs Python code from the repo"
                + (f" (missing here: {', '.join(missing)})" if missing else ""),
                Location(path, line=_line_of(data, "auto_map"), key="auto_map"),
                ", ".join(refs[:5]),
            )
        )
    return ConfigResult(tuple(ev), tuple(findings))


def _custom_modules(auto_map: dict[str, Any]) -> set[str]:
    modules: set[str] = set()
    for value in auto_map.values():
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, str) and "--" not in ref and "." in ref:
                modules.add(ref.rsplit(".", 1)[0])
    return modules


def _generation_config(
    path: str, doc: dict[str, Any], data: bytes, all_paths: frozenset[str]
) -> ConfigResult:
    return ConfigResult((fact("generation_config.present", path, path),))


def _tokenizer_config(
    path: str, doc: dict[str, Any], data: bytes, all_paths: frozenset[str]
) -> ConfigResult:
    ev = [fact("tokenizer.file", path, path)]
    if isinstance(doc.get("tokenizer_class"), str):
        ev.append(
            fact(
                "tokenizer.class",
                doc["tokenizer_class"],
                path,
                line=_line_of(data, "tokenizer_class"),
                key="tokenizer_class",
            )
        )
    template = doc.get("chat_template")
    if isinstance(template, str | list) and template:
        ev.append(
            fact(
                "tokenizer.chat_template",
                path,
                path,
                line=_line_of(data, "chat_template"),
                key="chat_template",
                note="read as text, never rendered",
            )
        )
        ev += _template_text(path, template, _line_of(data, "chat_template"), "chat_template")
    return ConfigResult(tuple(ev))


def _template_text(path: str, template: Any, line: int | None, key: str) -> list[Evidence]:
    """The template text (capped) and its full size; list templates are joined by newlines."""
    if isinstance(template, list):
        parts = [t.get("template") for t in template if isinstance(t, dict)]
        template = "\n".join(p for p in parts if isinstance(p, str))
    if not isinstance(template, str):
        return []
    size = len(template.encode())
    kept = template.encode()[:KEEP_TEMPLATE].decode("utf-8", "ignore")
    note = f"{size:,} bytes; read as text, never rendered"
    return [
        fact("tokenizer.chat_template_text", kept, path, line=line, key=key, note=note),
        fact("tokenizer.chat_template_bytes", size, path, line=line, key=key),
    ]


def _tokenizer_json(
    path: str, doc: dict[str, Any], data: bytes, all_paths: frozenset[str]
) -> ConfigResult:
    ev = [fact("tokenizer.file", path, path)]
    model = doc.get("model")
    if isinstance(model, dict) and isinstance(model.get("type"), str):
        ev.append(fact("tokenizer.type", model["type"], path, key="model.type"))
        vocab = model.get("vocab")
        if isinstance(vocab, dict | list):
            ev.append(fact("tokenizer.vocab_size", len(vocab), path, key="model.vocab"))
    return ConfigResult(tuple(ev))


def _chat_template(
    path: str, doc: dict[str, Any], data: bytes, all_paths: frozenset[str]
) -> ConfigResult:
    text = data.decode("utf-8", "replace")
    if path.lower().endswith(".json"):
        template = doc.get("chat_template") if isinstance(doc, dict) else None
        if not template:
            return ConfigResult()
        extra = _template_text(path, template, _line_of(data, "chat_template"), "chat_template")
    else:
        extra = _template_text(path, text, 1, "chat_template")
    return ConfigResult(
        (fact("tokenizer.chat_template", path, path, note="read as text, never rendered"), *extra)
    )


Handler = Callable[[str, dict[str, Any], bytes, frozenset[str]], ConfigResult]
_HANDLERS: dict[str, Handler] = {
    "config.json": _model_config,
    "generation_config.json": _generation_config,
    "tokenizer_config.json": _tokenizer_config,
    "tokenizer.json": _tokenizer_json,
    "chat_template.jinja": _chat_template,
    "chat_template.json": _chat_template,
    # processors saved by transformers before chat_template.json kept the template here
    "processor_config.json": _chat_template,
}
