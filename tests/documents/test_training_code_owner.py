"""Training code is the code that trained this release: a library's fine-tuning code for its
users is not it (google-deepmind/gemma), a repository that describes its pre-training is."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from openness.frameworks.facts import FILE_ROLES

LIBRARY = """# Wombat

This repository contains the implementation of the `wombat` PyPI package. A
[JAX](https://github.com/jax-ml/jax) library to use and fine-tune Wombat.

## Fine-tuning

See the fine-tuning guide.
"""


def _levels(folder: Path) -> dict[str, str]:
    result = openness.assess(str(folder), hash_files=False)
    index = next(f for f in result.frameworks if f.framework == "osai-index")
    return {c.id: c.status for c in index.components}


def _release(folder: Path, readme: str) -> Path:
    (folder / "README.md").write_text(readme)
    configs = folder / "wombat" / "configs"
    configs.mkdir(parents=True)
    (configs / "sft_pubmedqa.py").write_text("TASK = 'pubmedqa'\n")
    return folder


def test_a_librarys_fine_tuning_code_is_not_the_releases_training_code(tmp_path: Path) -> None:
    levels = _levels(_release(tmp_path, LIBRARY))
    assert levels["training_code"] == "unknown"
    assert levels["code_documentation"] == "unknown"


def test_pretraining_code_beside_a_librarys_fine_tuning_code_is_training_code(
    tmp_path: Path,
) -> None:
    release = _release(tmp_path, LIBRARY)
    (release / "pretrain").mkdir()
    (release / "pretrain" / "wombat.py").write_text("STEPS = 10\n")
    assert _levels(release)["training_code"] != "unknown"


def test_a_fine_tuning_script_offered_to_users_is_not_the_releases_training_code(
    tmp_path: Path,
) -> None:
    readme = (
        "# Wombat\n\nWombat-7B is pretrained on 2T tokens.\n\n## Pretraining\n\nWe describe our "
        "method.\n\n## Finetuning\n\nWe provide the official training script, `finetune.py`, for "
        "users to finetune the pretrained model for downstream applications.\n"
    )
    assert _levels(_release(tmp_path, readme))["training_code"] == "unknown"


def test_example_data_for_users_is_not_training_data() -> None:
    from openness.frameworks.facts import derive_framework_facts
    from openness.model import FileEntry

    files = [FileEntry("finetune/wombat_example_dataset/data/train.jsonl", 10, "unknown")]
    assert not [e for e in derive_framework_facts([], files) if e.fact == "file.role.dataset"]


def test_fine_tuning_code_without_a_library_is_still_training_code(tmp_path: Path) -> None:
    readme = "# Wombat\n\nWombat is a language model. We fine-tuned it with `sft`.\n"
    levels = _levels(_release(tmp_path, readme))
    assert levels["training_code"] != "unknown"


def test_a_pretrain_folder_holds_training_code() -> None:
    roles = {
        path: next((role for role, pattern in FILE_ROLES if pattern.search(path)), None)
        for path in ("pretrain/wombat.py", "pretraining/run.py", "train/loop.py")
    }
    assert set(roles.values()) == {"training_code"}


def test_every_framework_reads_the_library_case_alike(tmp_path: Path) -> None:
    result = openness.assess(str(_release(tmp_path, LIBRARY)), hash_files=False)
    mof = next(f for f in result.frameworks if f.framework == "mof")
    training = next(c for c in mof.components if c.id == "training_code")
    assert training.status not in ("open", "restricted", "license unknown")  # i.e. present


@pytest.mark.parametrize(
    ("path", "training"),
    [
        ("src/wombat/pretrained.py", False),
        ("src/wombat/trained_models.py", False),
        ("src/wombat_train/train.py", True),
        ("scripts/pretrain_wombat.py", True),
        ("training/loop.py", True),
    ],
)
def test_a_module_listing_pretrained_weights_is_not_training_code(
    path: str, training: bool
) -> None:
    from openness.frameworks.facts import derive_framework_facts
    from openness.model import FileEntry

    roles = {e.fact for e in derive_framework_facts([], [FileEntry(path, 10, "unknown")])}
    assert ("file.role.training_code" in roles) is training
