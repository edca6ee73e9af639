"""Weight fingerprints of known models, for lineage matching (docs/lineage.md).

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lineage_fingerprints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("model", sa.String(512), nullable=False, unique=True),
        sa.Column("license_id", sa.String(256)),
        sa.Column("format", sa.String(32)),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("sketch_key", sa.String(32)),
        sa.Column("sketch", sa.LargeBinary),
        sa.Column("fingerprint", sa.LargeBinary, nullable=False),
        sa.Column("tensors", sa.Integer, nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_lineage_fingerprints_signature", "lineage_fingerprints", ["signature"])
    # a covering index: the screen reads (id, sketch) of one sketch key without touching the
    # rows, whose fingerprints are tens of KB (sketches are 128 bytes)
    op.create_index(
        "ix_lineage_fingerprints_screen", "lineage_fingerprints", ["sketch_key", "id", "sketch"]
    )


def downgrade() -> None:
    op.drop_table("lineage_fingerprints")
