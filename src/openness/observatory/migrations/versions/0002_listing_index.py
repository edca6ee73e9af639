"""A covering index for the dashboard's model list.

The full JSON document makes each assessments row large (tens of KB), so a list or count that
reads the rows touches every page of the table. With the model, id and every column the list
filters on in one index, SQLite finds a page of the list, counts it and applies its filters
from the index alone, then reads only the rows it shows.

Revision ID: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: short, bounded columns only (model ids are at most 512 characters; the rest are our own
#: vocabulary), so an entry stays under PostgreSQL's B-tree limit
LISTING_COLUMNS = [
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


def upgrade() -> None:
    op.create_index("ix_assessments_listing", "assessments", LISTING_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_assessments_listing", table_name="assessments")
