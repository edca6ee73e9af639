"""CycloneDX ML-BOM (JSON, spec 1.6 or 1.7): the model, its files, datasets and base models.

Built with cyclonedx-python-lib (`pip install openness[exports]`), imported only when rendering so
`openness --help` stays light. The library has no model-card type yet; `cyclonedx_modelcard` adds
one to the JSON it writes.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import OpennessError
from ..model import Assessment
from . import context
from .cyclonedx_modelcard import model_card
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "cyclonedx"
SPEC_VERSIONS = ("1.6", "1.7")


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    data = bom_data(a, options)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def bom_data(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> dict[str, Any]:
    if options.spec_version not in SPEC_VERSIONS:
        raise OpennessError(
            f"CycloneDX spec version {options.spec_version!r} is not supported; "
            f"choose one of {', '.join(SPEC_VERSIONS)}"
        )
    try:
        from cyclonedx.output.json import JsonV1Dot6, JsonV1Dot7
    except ImportError:
        raise OpennessError(
            "--format cyclonedx needs cyclonedx-python-lib: pip install 'openness[exports]'"
        ) from None
    from .cyclonedx_build import build_bom

    facts = context.build(a).release
    bom, dataset_refs = build_bom(a, facts, options.created)
    writer = JsonV1Dot7 if options.spec_version == "1.7" else JsonV1Dot6
    data: dict[str, Any] = json.loads(writer(bom).output_as_string())
    if options.created is None:
        data["metadata"].pop("timestamp", None)
    data["metadata"]["component"]["modelCard"] = model_card(a, facts, dataset_refs)
    return _ordered(data)


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """Header keys first, as people read a BOM; the rest in the library's order."""
    head = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")
    return {k: data[k] for k in head if k in data} | {
        k: v for k, v in data.items() if k not in head
    }
