"""A NumPy array in a folder of data or results (scores, features) is not a model's weights: the
EU index and MOF must not rate weights `open` on it (issue 14: seen on a real release)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import openness

README = "# Wombat\n\nWombat is a small language model.\n\n## License\n\nApache-2.0\n"


def _weights_cited(root: Path) -> set[str]:
    a = openness.assess(str(root))
    return {e.location.file for e in a.evidence if e.fact == "weights.present"}


def _release(tmp_path: Path, array_path: str, values: int = 400_000) -> Path:
    """`values` float32 numbers: 400,000 are 1.6 MB, the size of a small model's table."""
    (tmp_path / "README.md").write_text(README)
    target = tmp_path / array_path
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target, np.linspace(0.0, 1.0, values, dtype=np.float32))
    return tmp_path


def test_an_array_of_scores_in_an_outputs_folder_is_no_weights(tmp_path: Path) -> None:
    root = _release(tmp_path, "sourcing/data_collection/outputs/clip_scores_1000.npy")
    assert _weights_cited(root) == set()
    index = next(f for f in openness.assess(str(root)).frameworks if f.framework == "osai-index")
    weights = {c.id: c.status for c in index.components if c.id.endswith("model_weights")}
    assert set(weights.values()) == {"unknown"}


def test_an_array_beside_the_model_still_counts_as_weights(tmp_path: Path) -> None:
    root = _release(tmp_path, "checkpoints/embedding_table.npy")
    assert _weights_cited(root) == {"checkpoints/embedding_table.npy"}


def test_a_small_array_beside_the_code_is_a_table_not_weights(tmp_path: Path) -> None:
    """A speech model's mel filter bank (a few kB) ships beside its code; the weights are
    downloaded elsewhere."""
    root = _release(tmp_path, "wombat/assets/mel_filters.npy", values=1000)
    assert _weights_cited(root) == set()


def test_a_small_array_does_not_make_the_code_license_the_weights(tmp_path: Path) -> None:
    """With no weights in the release, its plain LICENSE is the code's: the EU index's licenses
    stay undecided rather than `open` on the strength of a 4 kB filter bank."""
    from importlib import resources

    root = _release(tmp_path, "wombat/assets/mel_filters.npy", values=1000)
    license_text = resources.files("openness.examples").joinpath("tiny-release/LICENSE")
    (root / "LICENSE").write_text(license_text.read_text("utf-8"))
    index = next(f for f in openness.assess(str(root)).frameworks if f.framework == "osai-index")
    licenses = next(c for c in index.components if c.id == "licenses")
    assert licenses.status == "unknown"
    assert "only a code license" in licenses.rationale


def test_weights_a_test_suite_loads_are_fixtures_not_the_model(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    (tmp_path / "README.md").write_text(README)
    fixture = tmp_path / "wombat" / "tests" / "assets" / "test_lm_model.safetensors"
    fixture.parent.mkdir(parents=True)
    save_file({"w": np.zeros((64, 64), dtype=np.float32)}, str(fixture))
    assert _weights_cited(tmp_path) == set()
    model = tmp_path / "model.safetensors"
    save_file({"w": np.zeros((64, 64), dtype=np.float32)}, str(model))
    assert _weights_cited(tmp_path) == {"model.safetensors"}


def test_an_array_inside_a_python_package_is_no_weights(tmp_path: Path) -> None:
    root = _release(tmp_path, "wombat/assets/filter_bank.npy")
    (tmp_path / "wombat" / "__init__.py").write_text("")
    (tmp_path / "wombat" / "audio.py").write_text("FILTERS = 'assets/filter_bank.npy'\n")
    assert _weights_cited(root) == set()
    mof = next(f for f in openness.assess(str(root)).frameworks if f.framework == "mof")
    assert next(c for c in mof.components if c.id == "final_parameters").status == "unknown"


def test_data_in_a_folder_its_readme_calls_evaluation_data_is_not_training_data(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text(README)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "long_form.json").write_text('[{"audio": "a.wav", "text": "hello"}]\n')
    (tmp_path / "data" / "README.md").write_text(
        "This folder shows how we prepared the data for evaluation, to replicate the results.\n"
    )
    a = openness.assess(str(tmp_path), hash_files=False)
    mof = {c.id: c for f in a.frameworks if f.framework == "mof" for c in f.components}
    assert [e.value for e in mof["evaluation_data"].evidence][:1] == ["data/long_form.json"]
    assert mof["datasets"].status != "open"


def test_arrays_that_are_no_weights_make_no_model_release(tmp_path: Path) -> None:
    """The README of a repository of code holding only such arrays is not a model card: what it
    lacks (evaluation results, limitations) is not absent from the model's card."""
    root = _release(tmp_path, "sourcing/data_collection/outputs/clip_scores_1000.npy")
    (root / "LICENSE").write_text("Apache License\nVersion 2.0, January 2004\n")
    a = openness.assess(str(root), hash_files=False)
    mof = {c.id: c.status for f in a.frameworks if f.framework == "mof" for c in f.components}
    assert mof["evaluation_results"] == mof["model_card"] == "unknown"
