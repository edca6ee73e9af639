"""Canonical JSON (schema `openness.assessment/1`, see schema/assessment-1.json)."""

from __future__ import annotations

import json

from ..model import Assessment
from ..serialize import to_data
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "json"


def render(assessment: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    return json.dumps(to_data(assessment), indent=2, ensure_ascii=False) + "\n"
