"""benchmarks/bench_index.py lays out a database release's repositories as realworld-dev does
and compares the tool with the ratings: checked on a database and a bare repository made here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from benchmarks.bench_index import database_entries, lay_out, main

RATINGS = {
    "datasources_basemodel": "closed",
    "datasources_endmodel": "closed",
    "weights_basemodel": "open",
    "weights_endmodel": "open",
    "trainingcode": "closed",
    "code": "closed",
    "hardware_architecture": "closed",
    "preprint": "closed",
    "paper": "closed",
    "modelcard": "partial",
    "datasheet": "closed",
    "licenses": "open",
}


def _database(folder: Path) -> Path:
    folder.mkdir()
    body = "".join(f"{k}:\n    class: {v}\n    link:\n" for k, v in RATINGS.items())
    body = body.replace(
        "trainingcode:\n    class: closed\n    link:\n",
        "trainingcode:\n    class: closed\n    link: https://github.com/acme/wombat#train\n",
    ).replace(
        "weights_basemodel:\n    class: open\n    link:\n",
        "weights_basemodel:\n    class: open\n    link: https://github.com/other/base\n",
    )
    (folder / "Wombat.yaml").write_text(f"system:\n    name: Wombat\n    type: text\n{body}")
    (folder / "Picture.yaml").write_text("system:\n    name: Picture\n    type: image\n")
    return folder


def _bare_repository(mirror: Path) -> Path:
    work = mirror / "work"
    (work / "train").mkdir(parents=True)
    (work / "src").mkdir()
    (work / "README.md").write_text(
        "# Wombat\n\nGet it: `huggingface-cli download acme/wombat-7b`.\n"
    )
    (work / "LICENSE").write_text("MIT License\n")
    (work / "train" / "README.md").write_text("# Training\n")
    (work / "src" / "model.py").write_text("print('not a document')\n")
    git = ["git", "-c", "user.email=a@b", "-c", "user.name=a", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    bare = mirror / "acme+wombat"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return bare


def test_the_release_s_own_repositories_are_laid_out_with_their_documents(tmp_path: Path) -> None:
    entries = database_entries(_database(tmp_path / "db"))
    assert entries is not None and list(entries) == ["Wombat.yaml"]  # text releases only
    # the base model's repository, linked for its weights, is not the release's
    assert entries["Wombat.yaml"]["repos"] == ["acme/wombat"]
    lay_out(_bare_repository(tmp_path / "mirror"), tmp_path / "docs")
    laid = sorted(str(p.relative_to(tmp_path / "docs")) for p in (tmp_path / "docs").rglob("*"))
    assert laid == ["LICENSE", "README.md", "train", "train/README.md"]


def test_the_benchmark_compares_the_tool_with_the_ratings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _bare_repository(tmp_path / "mirror")
    code = main(
        ["--database", str(_database(tmp_path / "db")), "--git-mirror", str(tmp_path / "mirror")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "1 releases outside the corpus" in out
    assert "| weights_endmodel | 1 | 1 | 100% | 100% |" in out
    assert main(["--database", str(tmp_path / "none")]) == 0
    assert "holds no index database" in capsys.readouterr().out
