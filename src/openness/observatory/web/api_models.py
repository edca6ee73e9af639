"""The JSON API's response shapes: they are what the OpenAPI spec (and schemathesis) checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ModelRow(BaseModel):
    model: str
    revision: str
    author: str | None
    assessed_at: datetime
    license_id: str | None
    license_family: str
    license_category: str
    commercial_use: str
    claims_open: bool
    openwashing: bool
    parameters: int | None
    findings: int
    max_severity: int | None
    complete: bool
    open_code: str
    open_license: str
    inputs_transparency: str
    threats_transparency: str
    open_standards: str
    mof_class: str = "unknown"  # I, II, III, none, unknown (not rated)
    osaid: str = "unknown"  # pass, fail, unknown (not rated)


class ModelPage(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[ModelRow]
    #: pass as `after` to get the next page by keyset (None on the last page)
    next_after: str | None = None


class ModelDetail(BaseModel):
    row: ModelRow
    document: dict[str, Any]


class Health(BaseModel):
    status: str
    assessments: int
