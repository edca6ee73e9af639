"""Initial store: assessments, batch targets, Hub snapshots and their metadata ratings.

Revision ID: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEVELS = (
    "open_code",
    "open_license",
    "inputs_transparency",
    "threats_transparency",
    "open_standards",
)


def _release_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("model", sa.String(512), nullable=False),
        sa.Column("author", sa.String(256)),
        sa.Column("created_month", sa.String(7)),
        sa.Column("downloads", sa.BigInteger),
        sa.Column("license_id", sa.String(256)),
        sa.Column("license_family", sa.String(64), nullable=False),
        sa.Column("license_category", sa.String(32), nullable=False),
        sa.Column("commercial_use", sa.String(16), nullable=False),
        sa.Column("claims_open", sa.Boolean, nullable=False),
        sa.Column("openwashing", sa.Boolean, nullable=False),
        sa.Column("base_model", sa.String(512)),
        *(sa.Column(name, sa.String(16), nullable=False) for name in LEVELS),
    ]


def _release_indexes(table: str) -> None:
    for column in (
        "author",
        "created_month",
        "license_family",
        "license_category",
        "openwashing",
        "base_model",
    ):
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_release_columns(),
        sa.Column("revision", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tool_version", sa.String(64), nullable=False),
        sa.Column("parameters", sa.BigInteger),
        sa.Column("architecture", sa.String(256)),
        sa.Column("max_severity", sa.SmallInteger),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.UniqueConstraint("model", "revision", name="uq_assessments_model_revision"),
    )
    _release_indexes("assessments")
    op.create_table(
        "targets",
        sa.Column("target", sa.String(2048), primary_key=True),
        sa.Column("fingerprint", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id")),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
    )
    op.create_table(
        "hub_models",
        sa.Column(
            "snapshot_id",
            sa.Integer,
            sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *_release_columns(),
        sa.Column("last_modified", sa.String(32)),
        sa.Column("likes", sa.BigInteger),
        sa.Column("pipeline_tag", sa.String(128)),
        sa.Column("library_name", sa.String(128)),
        sa.Column("parameters", sa.BigInteger),
        sa.Column("card", sa.Boolean, nullable=False),
        sa.Column("weights", sa.Boolean, nullable=False),
        sa.Column("safe_weights", sa.Boolean, nullable=False),
        sa.Column("pickle_weights", sa.Boolean, nullable=False),
        sa.Column("datasets_named", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", "model", name="pk_hub_models"),
    )
    _release_indexes("hub_models")


def downgrade() -> None:
    for table in ("hub_models", "snapshots", "targets", "assessments"):
        op.drop_table(table)
