"""A `latest` flag on assessments, kept by the database itself, and a listing index led by it.

The dashboard lists the latest stored revision of each model. Finding it with NOT EXISTS over a
later row costs one probe per row, on every count and every page: at 100,000 assessments that is
most of a list request. The flag is set by a trigger on every insert, whoever writes the row
(the batch runner, a bulk load, a test), so it can never disagree with the rows: the inserted row
of a model is its latest, the model's other rows are not. The new index puts `latest` first, so a
list, its filters, its count and its page boundaries, and the ecosystem metrics' counts, read one
contiguous range of the index.

Existing rows are backfilled in one statement (the highest id of each model).

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LATEST_LISTING = [
    "latest",
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
    "mof_class",
    "osaid",
    "openwashing_rules",
]

#: the same statement on both databases: only the rows whose flag changes are written
MARK = (
    "UPDATE assessments SET latest = (id = (SELECT max(id) FROM assessments AS a "
    "WHERE a.model = {row}.model)) WHERE model = {row}.model AND latest <> (id = "
    "(SELECT max(id) FROM assessments AS a WHERE a.model = {row}.model))"
)

SQLITE_TRIGGER = f"""
CREATE TRIGGER assessments_mark_latest AFTER INSERT ON assessments
BEGIN
    {MARK.format(row="NEW")};
END
"""

POSTGRES_FUNCTION = f"""
CREATE FUNCTION assessments_mark_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {MARK.format(row="NEW")};
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER assessments_mark_latest AFTER INSERT ON assessments "
    "FOR EACH ROW EXECUTE FUNCTION assessments_mark_latest()"
)


def upgrade() -> None:
    op.add_column(
        "assessments",
        sa.Column("latest", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE assessments SET latest = (id IN (SELECT max(id) FROM assessments GROUP BY model))"
    )
    op.create_index("ix_assessments_latest", "assessments", LATEST_LISTING)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS assessments_mark_latest" + _on_table())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS assessments_mark_latest()")
    op.drop_index("ix_assessments_latest", table_name="assessments")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("latest")


def _on_table() -> str:
    return " ON assessments" if op.get_bind().dialect.name == "postgresql" else ""
