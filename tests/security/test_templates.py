"""Chat templates read as text (never rendered) for template-injection patterns; ONNX custom
operator domains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openness.model import Assessment
from openness.pipeline import assess
from openness.readers.common import KEEP_TEMPLATE

#: a real-world style template: loops, role tests, namespace() for state, string filters
BENIGN_TEMPLATE = (
    "{% set ns = namespace(system='') %}{{ bos_token }}"
    "{% for message in messages %}{% if message['role'] == 'system' %}"
    "{% set ns.system = message['content'] | trim %}{% else %}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] | trim + eos_token }}"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)
INJECTIONS = {
    "globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "subclasses": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% endfor %}",
    "attr_filter": "{{ request|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "namespace_escape": "{{ namespace.__init__.__globals__ }}",
    "joiner": "{{ joiner._x }}",
    "import": "{% import 'os' as os %}{{ os }}",
    "computed_attr": "{{ messages|attr(name) }}",
    # names computed from pieces: a non-sandboxed Jinja resolves x['__init__'] as an attribute
    "concat_item": "{% set u = '_' * 2 %}{{ cycler[u ~ 'init' ~ u][u ~ 'globals' ~ u] }}",
    "concat_item_of_any_value": "{% set u = '_' + '_' %}{{ messages[u ~ 'class' ~ u] }}",
    "item_of_a_global": "{% set i = k %}{{ joiner[i] }}",
    "set_name_then_item": "{% set n = a ~ 'init' ~ a %}{{ (messages|first)[n] }}",
    "joined_underscores": "{% set i = ['_','_','init','_','_']|join %}{{ x[i] }}",
    "format_char_code": "{% set u = '%c'|format(95) %}{{ x[u] }}",
    "char_of_object_text": "{% set u = (lipsum|string)[18] %}{{ x[u] }}",
}
#: what real templates do with strings, items and namespaces (tool calls, dates, reasoning)
RICH_BENIGN_TEMPLATE = (
    "{%- set date_string = strftime_now('%d %b %Y') %}"
    "{%- set ns = namespace(is_first=false, system_prompt='', last=messages|length - 1) %}"
    "{%- for message in messages[::-1] %}{%- set index = (messages|length - 1) - loop.index0 %}"
    "{%- endfor %}{%- for message in messages %}"
    "{%- if message['role'] == 'system' %}"
    "{%- set ns.system_prompt = ns.system_prompt + message['content'] %}"
    "{%- elif message.tool_calls %}{%- for tool_call in message.tool_calls %}"
    "{{- '<tool_call>' ~ tool_call['function']['name'] ~ '[' ~ tool_call.id[-9:] ~ ']' }}"
    "{{- tool_call.arguments | tojson }}{%- endfor %}"
    "{%- elif message.role == 'tool' and messages[loop.index0 - 1].role != 'tool' %}"
    "{{- '<|im_start|>user' + '\\n' + message.content.split('</think>')[-1] }}"
    "{%- else %}{{- '[INST] ' + message['content'] | trim + ' [/INST]' }}{%- endif %}"
    "{%- endfor %}{{- raise_exception('roles must alternate') if false }}"
    "{{- (tools or [])|map(attribute='name')|join(', ') }}{{- name | replace('-', '_') }}"
    "{%- set type_map = {'string': 'str', 'number': 'float'} %}{{- type_map[spec.type] }}"
    "{{- 'list[' + spec.items + ']' }}{%- set idx = loop_index * 2 %}{{- messages[idx] }}"
)


def _tpl(a: Assessment) -> list[str]:
    return [f"{f.rule_id} {f.trigger}" for f in a.findings if f.rule_id.startswith("OPN-TPL")]


def _tokenizer_release(tmp_path: Path, template: str) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "tokenizer_config.json").write_text(json.dumps({"chat_template": template}))
    return folder


@pytest.mark.parametrize("name", sorted(INJECTIONS))
def test_injection_in_tokenizer_config_is_high(name: str, tmp_path: Path) -> None:
    template = BENIGN_TEMPLATE + "\n" + INJECTIONS[name]
    a = assess(str(_tokenizer_release(tmp_path, template)), hash_files=False)
    found = [f for f in a.findings if f.rule_id == "OPN-TPL-001"]
    assert found, name
    assert all(f.location.file == "tokenizer_config.json" for f in found)
    assert any(f.location.key == "chat_template:line 2" for f in found)


@pytest.mark.parametrize("template", [BENIGN_TEMPLATE, RICH_BENIGN_TEMPLATE])
def test_benign_template_is_clean(tmp_path: Path, template: str) -> None:
    a = assess(str(_tokenizer_release(tmp_path, template)), hash_files=False)
    assert _tpl(a) == []


def test_chat_template_jinja_file(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "chat_template.jinja").write_text(BENIGN_TEMPLATE + "\n" + INJECTIONS["globals"])
    assert _tpl(assess(str(folder), hash_files=False))


def _gguf(path: Path, template: str) -> Path:
    gguf = pytest.importorskip("gguf")
    np = pytest.importorskip("numpy")
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_chat_template(template)
    w.add_tensor("t", np.zeros(4, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_injection_in_gguf_chat_template(tmp_path: Path) -> None:
    path = _gguf(tmp_path / "m.gguf", BENIGN_TEMPLATE + INJECTIONS["subclasses"])
    found = _tpl(assess(str(path), hash_files=False))
    assert any("__class__" in t for t in found)


def test_benign_gguf_template_is_clean(tmp_path: Path) -> None:
    path = _gguf(tmp_path / "m.gguf", BENIGN_TEMPLATE)
    assert _tpl(assess(str(path), hash_files=False)) == []


def test_long_gguf_template_is_scanned_to_the_end(tmp_path: Path) -> None:
    path = _gguf(tmp_path / "m.gguf", BENIGN_TEMPLATE + " " * 40_000 + INJECTIONS["globals"])
    found = _tpl(assess(str(path), hash_files=False))
    assert "OPN-TPL-001 os.popen" in found
    assert "OPN-TPL-002 chat template" not in found


def test_overlong_gguf_template_is_reported_as_partly_scanned(tmp_path: Path) -> None:
    path = _gguf(tmp_path / "m.gguf", BENIGN_TEMPLATE + " " * KEEP_TEMPLATE + INJECTIONS["globals"])
    assert "OPN-TPL-002 chat template" in _tpl(assess(str(path), hash_files=False))


def _onnx_model(path: Path, domain: str) -> Path:
    onnx = pytest.importorskip("onnx")
    helper = onnx.helper
    node = helper.make_node("Op", ["x"], ["y"], domain=domain)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid(domain, 1)]
    onnx.save(helper.make_model(graph, opset_imports=opsets), str(path))
    return path


def test_onnx_custom_domain_is_a_finding(tmp_path: Path) -> None:
    a = assess(str(_onnx_model(tmp_path / "m.onnx", "com.example.ops")), hash_files=False)
    found = [f for f in a.findings if f.rule_id == "OPN-ONX-002"]
    assert [f.trigger for f in found] == ["com.example.ops"]


def test_onnxruntime_contrib_domain_is_not(tmp_path: Path) -> None:
    a = assess(str(_onnx_model(tmp_path / "m.onnx", "com.microsoft")), hash_files=False)
    assert not [f for f in a.findings if f.rule_id == "OPN-ONX-002"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("additional_chat_templates/tool_use.jinja", "{template}"),
        ("processor_config.json", '{{"processor_class": "P", "chat_template": {json}}}'),
    ],
)
def test_templates_transformers_also_loads_are_scanned(
    tmp_path: Path, name: str, content: str
) -> None:
    """Named templates in `additional_chat_templates/` and a processor's template in
    processor_config.json (before chat_template.json existed) are rendered like the default."""
    folder = _tokenizer_release(tmp_path, BENIGN_TEMPLATE)
    template = BENIGN_TEMPLATE + "\n" + INJECTIONS["concat_item"]
    path = folder / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(content.format(template=template, json=json.dumps(template)))
    found = [
        f for f in assess(str(folder), hash_files=False).findings if f.rule_id == "OPN-TPL-001"
    ]
    assert {f.location.file for f in found} == {name}
