"""A release whose strings try to inject markup into reports."""

from __future__ import annotations

from pathlib import Path

PAYLOAD = "<script>alert('pwned')</script>"
IMG_NAME = "<img src=x onerror=alert(1)>.txt"


def hostile_release(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(
        f'---\nlicense: "{PAYLOAD}"\ndatasets:\n- "{PAYLOAD}"\ntags: ["<b>bold</b>"]\n---\n\n'
        f"# Model {PAYLOAD}\n\n## Limitations {PAYLOAD}\n\n{PAYLOAD} everywhere.\n",
        encoding="utf-8",
    )
    (root / IMG_NAME).write_text("hello")
    (root / "config.json").write_text('{"model_type": "<iframe src=//evil.example>"')  # broken
    return root
