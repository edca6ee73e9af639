import importlib
import subprocess
import sys

import pytest

from openness.readers import detect
from openness.readers.builtins import BUILTIN_READERS
from openness.readers.registry import reader_for


@pytest.mark.parametrize("fmt", sorted(BUILTIN_READERS))
def test_each_builtin_entry_names_a_reader_of_that_format(fmt: str) -> None:
    module, name = BUILTIN_READERS[fmt]
    reader_class = getattr(importlib.import_module(f"openness.readers.{module}"), name)
    assert fmt in reader_class.formats
    assert set(reader_class.formats) <= set(BUILTIN_READERS)
    found = reader_for(fmt)
    assert isinstance(found, reader_class)


def test_formats_without_a_reader() -> None:
    assert reader_for(detect.TEXT) is None
    assert reader_for("no-such-format") is None


def test_readers_are_imported_only_when_their_format_is_met() -> None:
    code = (
        "import sys\n"
        "from openness.readers.registry import reader_for\n"
        "reader_for('safetensors')\n"
        "print(sorted(m for m in sys.modules if m.startswith('openness.readers.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "openness.readers.safetensors" in out
    for other in ("onnx", "gguf", "keras", "numpy", "savedmodel", "pytorch"):
        assert f"openness.readers.{other}'" not in out
