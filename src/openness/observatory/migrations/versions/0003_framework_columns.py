"""Framework columns on assessments: the MOF class reached, the OSAID result, and openwashing
from the assessment's own OPN-OWS findings; the listing index covers the two new filters.

They get no index of their own: with one, SQLite filtered the list through it and read the
large rows (3-5x slower at 10,000 rows) instead of scanning the covering listing index.

Existing rows are backfilled from their stored JSON document, in batches by id so memory stays
bounded on a large store. Documents without framework results (older tool versions) get
"unknown" and keep their heuristic openwashing. The reading of a document is copied here, not
imported, so this migration keeps its meaning whatever record.py becomes.

Revision ID: 0003
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LISTING_0002 = [
    "model",
    "id",
    "license_family",
    "commercial_use",
    "license_category",
    "parameters",
    "open_code",
    "open_license",
    "inputs_transparency",
    "threats_transparency",
    "open_standards",
]
LISTING_0003 = [*LISTING_0002, "mof_class", "osaid"]
BATCH = 200
MOF_VERDICTS = {"Class I": "I", "Class II": "II", "Class III": "III"}

rows_table = sa.table(
    "assessments",
    sa.column("id", sa.Integer),
    sa.column("claims_open", sa.Boolean),
    sa.column("openwashing", sa.Boolean),
    sa.column("mof_class", sa.String),
    sa.column("osaid", sa.String),
    sa.column("openwashing_rules", sa.String),
    sa.column("document", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def upgrade() -> None:
    for name in ("mof_class", "osaid"):
        op.add_column(
            "assessments",
            sa.Column(name, sa.String(16), nullable=False, server_default="unknown"),
        )
    op.add_column("assessments", sa.Column("openwashing_rules", sa.String(128)))
    op.drop_index("ix_assessments_listing", table_name="assessments")
    op.create_index("ix_assessments_listing", "assessments", LISTING_0003)
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_assessments_listing", table_name="assessments")
    with op.batch_alter_table("assessments") as batch:
        for name in ("openwashing_rules", "osaid", "mof_class"):
            batch.drop_column(name)
    op.create_index("ix_assessments_listing", "assessments", LISTING_0002)


def _backfill(conn: sa.Connection) -> None:
    t = rows_table
    last = 0
    while True:
        batch = conn.execute(
            sa.select(t.c.id, t.c.claims_open, t.c.openwashing, t.c.document)
            .where(t.c.id > last)
            .order_by(t.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        last = batch[-1].id
        updates = [_columns(row) for row in batch]
        conn.execute(
            sa.update(t)
            .where(t.c.id == sa.bindparam("row_id"))
            .values(
                mof_class=sa.bindparam("mof_class"),
                osaid=sa.bindparam("osaid"),
                openwashing_rules=sa.bindparam("openwashing_rules"),
                openwashing=sa.bindparam("openwashing"),
                claims_open=sa.bindparam("claims_open"),
            ),
            updates,
        )


def _columns(row: Any) -> dict[str, Any]:
    document = row.document if isinstance(row.document, Mapping) else {}
    results = {
        str(f.get("framework")): f
        for f in _mappings(document.get("frameworks"))
        if f.get("framework")
    }
    mof, osaid = results.get("mof"), results.get("osaid")
    values: dict[str, Any] = {
        "row_id": row.id,
        "mof_class": "unknown"
        if mof is None
        else MOF_VERDICTS.get(str(mof.get("verdict")), "none"),
        "osaid": str(osaid.get("verdict")) if osaid is not None else "unknown",
        "openwashing_rules": None,
        "openwashing": bool(row.openwashing),
        "claims_open": bool(row.claims_open),
    }
    if values["osaid"] not in ("pass", "fail"):
        values["osaid"] = "unknown"
    if results:
        rules = sorted(
            {
                str(f.get("rule_id"))
                for f in _mappings(document.get("findings"))
                if str(f.get("rule_id") or "").startswith("OPN-OWS-")
            }
        )
        values["openwashing_rules"] = ",".join(rules)[:128]
        values["openwashing"] = bool(rules)
        values["claims_open"] = values["claims_open"] or bool(rules)
    return values


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
