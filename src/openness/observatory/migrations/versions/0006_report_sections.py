"""Report sections rendered when an assessment is stored, so a model page never decodes and
renders the ~30 KB document per request (report_store.py).

The table starts empty: a model page without a stored rendering is rendered from its document,
as before. `openness serve --prerender` fills it for assessments stored earlier.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_sections",
        sa.Column(
            "assessment_id",
            sa.Integer,
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("renderer", sa.String(64), nullable=False),
        sa.Column("head", sa.LargeBinary, nullable=False),
        sa.Column("tail", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_sections")
