"""Configs, model cards and license/policy files under fuzzing: any bytes give a result (with
findings where the file is malformed), never an exception."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from openness.documents.card import read_card
from openness.documents.files import read_license_file, read_policy_file, readme_license
from openness.readers.configs import CONFIG_NAMES, read_config
from tests.fuzz import seeds
from tests.fuzz.known import tolerate_known_bugs
from tests.fuzz.profile import fuzz
from tests.fuzz.strategies import mutated

_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=20), inner, max_size=5)
    ),
    max_leaves=30,
)
#: keys the config readers look at, so drawn documents hit their branches
_KEYS = [
    "model_type",
    "architectures",
    "hidden_size",
    "num_hidden_layers",
    "vocab_size",
    "auto_map",
    "chat_template",
    "torch_dtype",
    "model_max_length",
    "added_tokens",
    "model",
]


@st.composite
def config_documents(draw: st.DrawFn) -> bytes:
    doc: dict[str, Any] = draw(st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=6))
    return json.dumps(doc).encode()


@fuzz(80)
@given(
    st.sampled_from(sorted(CONFIG_NAMES)),
    st.one_of(
        config_documents(),
        mutated(seeds.CONFIG_JSON),
        mutated(seeds.TOKENIZER_CONFIG),
        st.binary(max_size=500),
    ),
)
def test_config_files_never_raise(name: str, data: bytes) -> None:
    read_config(name, data, frozenset({name, "modeling_x.py"}))


_CARD_TEXT = st.lists(
    st.sampled_from(
        [
            "---",
            "license: apache-2.0",
            "license: [mit, {a: b}]",
            "datasets: !!python/object:os.system",
            "base_model: &a [*a]",
            "model-index: {name: 1}",
            "# Title",
            "## License",
            "## Training data",
            "[link](http://x)",
            "https://arxiv.org/abs/1",
            "\t- : : :",
            "\x00\ufeff",
            "MIT License",
        ]
    )
    | st.text(max_size=80),
    max_size=30,
).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))


@fuzz(80)
@given(st.one_of(_CARD_TEXT, mutated(seeds.CARD), st.binary(max_size=500)))
def test_model_cards_never_raise(data: bytes) -> None:
    with tolerate_known_bugs():
        result = read_card("README.md", data)
    assert any(e.fact == "card.present" for e in result.evidence)
    readme_license("README.md", data)


@fuzz(60)
@given(st.one_of(mutated(seeds.LICENSE), mutated(seeds.CARD), st.binary(max_size=500)))
def test_license_and_policy_files_never_raise(data: bytes) -> None:
    assert read_license_file("LICENSE", data)
    assert read_policy_file("USE_POLICY.md", data)
