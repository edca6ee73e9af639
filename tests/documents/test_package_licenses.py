"""Licenses a release states outside its root: a wheel's METADATA and dist-info licenses, a
license file in a sub-folder; vendored code never speaks for the release."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openness

NOTICE = 'Licensed under the Apache License, Version 2.0 (the "License");\n'


def _wheel(path: Path, metadata: str, license_text: str | None) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("wombat/__init__.py", "")
        wheel.writestr("wombat-1.0.dist-info/METADATA", metadata)
        if license_text is not None:
            wheel.writestr("wombat-1.0.dist-info/licenses/LICENSE", license_text)
    return path


def test_a_wheels_license_expression_is_its_declared_license(tmp_path: Path) -> None:
    metadata = "Metadata-Version: 2.4\nName: wombat\nLicense-Expression: Apache-2.0\n\nBody\n"
    a = openness.assess(str(_wheel(tmp_path / "w.whl", metadata, None)), hash_files=False)
    assert a.license.spdx == "Apache-2.0"
    assert a.license.category != "none"
    assert not [f for f in a.findings if f.rule_id == "OPN-LIC-001"]


def test_a_dist_info_license_file_is_read(tmp_path: Path) -> None:
    metadata = "Metadata-Version: 2.1\nName: wombat\nLicense: UNKNOWN\n\n"
    a = openness.assess(str(_wheel(tmp_path / "w.whl", metadata, NOTICE)), hash_files=False)
    assert a.license.spdx == "Apache-2.0"
    assert any("dist-info/licenses/LICENSE" in e.location.file for e in a.license.evidence)


def test_a_license_in_a_sub_folder_is_found_and_vendored_ones_are_not(tmp_path: Path) -> None:
    (tmp_path / "model" / "third_party" / "lib").mkdir(parents=True)
    (tmp_path / "model" / "LICENSE").write_text(NOTICE)
    (tmp_path / "model" / "third_party" / "lib" / "LICENSE").write_text(
        "Creative Commons Attribution-NonCommercial 4.0 International\n"
    )
    a = openness.assess(str(tmp_path), hash_files=False)
    assert a.license.spdx == "Apache-2.0"
    assert not any("third_party" in e.location.file for e in a.license.evidence)


def test_padding_does_not_hide_a_license_from_assess(tmp_path: Path) -> None:
    # past the 4 MiB document cap: the license reader looks at the end of a long text too
    (tmp_path / "README.md").write_text("# Wombat\n")
    (tmp_path / "LICENSE").write_text("\n" * (5 * 1024 * 1024) + NOTICE)
    a = openness.assess(str(tmp_path), hash_files=False, health=False)
    assert a.license.spdx == "Apache-2.0"
    assert not [f for f in a.findings if f.rule_id == "OPN-LIC-001"]
