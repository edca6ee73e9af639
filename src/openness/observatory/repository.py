"""Reads and writes on the store. Each write is one transaction: all of it lands or none."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..errors import OpennessError
from . import report_store
from .tables import assessments, targets


@dataclass(frozen=True)
class Stored:
    id: int
    model: str
    revision: str
    created: bool  # False when this (model, revision) was already stored


def target_is_done(engine: sa.Engine, target: str, fingerprint: str | None) -> bool:
    """True when `target` was stored at this fingerprint (None never matches: re-check it)."""
    if fingerprint is None:
        return False
    query = sa.select(targets.c.status).where(
        targets.c.target == target, targets.c.fingerprint == fingerprint
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none() == "done"


def save_assessment(
    engine: sa.Engine, row: Mapping[str, Any], target: str, fingerprint: str | None
) -> Stored:
    """Insert the assessment unless its (model, revision) is stored, and mark the target done."""
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                existing = _find_id(conn, row["model"], row["revision"])
                if existing is None:
                    new_id = conn.execute(
                        sa.insert(assessments).values(**row).returning(assessments.c.id)
                    ).scalar_one()
                    report_store.save(conn, new_id, row["document"])
                _mark_target(conn, target, fingerprint, "done", existing or new_id, None)
                return Stored(existing or new_id, row["model"], row["revision"], existing is None)
        except sa.exc.IntegrityError:  # another writer stored the same revision meanwhile
            if attempt:
                raise
    raise AssertionError("unreachable")


def save_failure(engine: sa.Engine, target: str, error: str) -> None:
    with engine.begin() as conn:
        _mark_target(conn, target, None, "failed", None, error[:4000])


def _find_id(conn: sa.Connection, model: str, revision: str) -> int | None:
    query = sa.select(assessments.c.id).where(
        assessments.c.model == model, assessments.c.revision == revision
    )
    found: int | None = conn.execute(query).scalar_one_or_none()
    return found


def _mark_target(
    conn: sa.Connection,
    target: str,
    fingerprint: str | None,
    status: str,
    assessment_id: int | None,
    error: str | None,
) -> None:
    values = {
        "fingerprint": fingerprint,
        "status": status,
        "assessment_id": assessment_id,
        "error": error,
        "updated_at": datetime.now(UTC),
    }
    updated = conn.execute(sa.update(targets).where(targets.c.target == target).values(**values))
    if updated.rowcount == 0:
        conn.execute(sa.insert(targets).values(target=target, **values))


def load_document(engine: sa.Engine, model: str, revision: str | None = None) -> dict[str, Any]:
    """The stored JSON of model@revision; without a revision, the latest stored one.

    A revision may be abbreviated (a unique prefix, as with git).
    """
    base = sa.select(assessments.c.revision, assessments.c.document).where(
        assessments.c.model == model
    )
    with engine.connect() as conn:
        if revision:
            found = conn.execute(base.where(assessments.c.revision == revision)).all()
            if not found:
                prefix = assessments.c.revision.startswith(revision, autoescape=True)
                found = conn.execute(base.where(prefix).limit(2)).all()
        else:
            found = conn.execute(base.order_by(assessments.c.id.desc()).limit(1)).all()
    if not found:
        at = f"@{revision}" if revision else ""
        raise OpennessError(f"no stored assessment for {model}{at}; see `openness observe list`")
    if len(found) > 1:
        raise OpennessError(f"revision {revision!r} of {model} is ambiguous; give more of it")
    document: dict[str, Any] = found[0].document
    return document


def history(engine: sa.Engine, model: str | None = None) -> list[Any]:
    """Stored assessments, newest first: model, revision, when, and the five levels."""
    query = sa.select(
        assessments.c.model,
        assessments.c.revision,
        assessments.c.assessed_at,
        assessments.c.license_id,
        assessments.c.findings,
        assessments.c.open_code,
        assessments.c.open_license,
        assessments.c.inputs_transparency,
        assessments.c.threats_transparency,
        assessments.c.open_standards,
    ).order_by(assessments.c.model, assessments.c.id.desc())
    if model is not None:
        query = query.where(assessments.c.model == model)
    with engine.connect() as conn:
        return list(conn.execute(query).all())
