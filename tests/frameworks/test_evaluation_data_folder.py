"""Data files that are not the training data: a data folder whose README says it holds the
evaluation data, and data-mixture configs among shell scripts (issue 14, third round: seen on
real releases, where the EU index rated the training data `open` on them)."""

from __future__ import annotations

import json
from pathlib import Path

import openness

README = "# Wombat\n\nWombat is a speech recognition model.\n\n## License\n\nMIT\n"
EVAL_README = (
    "This directory gives details on how we prepared the data for evaluation, to help others\n"
    "replicate our experiments.\n\n## Short-form sets\n\nWe used the [Wombat test set]"
    "(https://huggingface.co/datasets/acme/wombat-test).\n"
)


def _roles_and_data(root: Path) -> tuple[dict[str, set[str]], str, list[str]]:
    a = openness.assess(str(root))
    roles: dict[str, set[str]] = {}
    cited = [e for f in a.frameworks for c in f.components for e in c.evidence]
    for e in cited:
        if e.fact.startswith("file.role."):
            roles.setdefault(e.fact.removeprefix("file.role."), set()).add(e.location.file)
    index = next(f for f in a.frameworks if f.framework == "osai-index")
    data = next(c for c in index.components if c.id == "end_model_data")
    links = [str(e.value) for e in [*a.evidence, *cited] if e.fact == "doc.dataset_link"]
    return roles, data.status, links


def _release(tmp_path: Path, folder_readme: str, data_path: str) -> Path:
    (tmp_path / "README.md").write_text(README)
    target = tmp_path / data_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps([{"audio": "a.wav", "text": "hello"}] * 50))
    (target.parent / "README.md").write_text(folder_readme)
    return tmp_path


def test_a_data_folder_documented_as_evaluation_data_is_no_training_data(tmp_path: Path) -> None:
    roles, data, links = _roles_and_data(_release(tmp_path, EVAL_README, "data/meanwhile.json"))
    assert roles.get("evaluation_data") == {"data/meanwhile.json"}
    assert "dataset" not in roles
    assert links == []  # the test set linked from that README is evaluation data too
    assert data != "open"


def test_a_data_folder_that_speaks_of_training_stays_training_data(tmp_path: Path) -> None:
    readme = "The data we used for training and evaluation of Wombat.\n"
    roles, data, _ = _roles_and_data(_release(tmp_path, readme, "data/corpus.json"))
    assert roles.get("dataset") == {"data/corpus.json"}
    assert data == "open"


def test_a_data_mixture_config_among_shell_scripts_is_not_data(tmp_path: Path) -> None:
    roles, data, _ = _roles_and_data(
        _release(tmp_path, "Launch scripts.\n", "wombat_chat/shell/data/finetune_mix.json")
    )
    assert "dataset" not in roles
    assert data != "open"


def test_a_vocabulary_beside_the_data_is_not_data(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(README)
    vocab = tmp_path / "data" / "wombat_zh_en_pinyin" / "vocab.txt"
    vocab.parent.mkdir(parents=True)
    vocab.write_text("\n".join(f"tok{i}" for i in range(2000)))
    roles, data, _ = _roles_and_data(tmp_path)
    assert "dataset" not in roles
    assert data != "open"
