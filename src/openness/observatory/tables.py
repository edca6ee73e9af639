"""The store's tables. Alembic migrations (migrations/versions) create exactly these.

Both `assessments` (full assessments) and `hub_models` (metadata-only ratings of a Hub snapshot)
carry the same *release columns*, so metrics and the dashboard read either with the same SQL.
Framework results (MOF class, OSAID) are on `assessments` only: metadata alone cannot rate them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..model import Attribute

metadata = sa.MetaData()

#: the full Assessment JSON: JSONB on PostgreSQL, JSON text elsewhere
DocumentType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

LEVEL_COLUMNS = tuple(a.value for a in Attribute)
#: the MOF class reached ("I" is the most open), "none" below Class III, "unknown" when not
#: rated -> how pages and reports name it
MOF_CLASSES = {
    "I": "Class I (open science)",
    "II": "Class II (open tooling)",
    "III": "Class III (open model)",
    "none": "no class",
    "unknown": "not rated",
}
OSAID_RESULTS = {"pass": "pass", "fail": "fail", "unknown": "not rated"}
FRAMEWORK_COLUMNS = ("mof_class", "osaid")
#: the columns a list row shows (never the document: lists stay light at any size)
LIST_COLUMNS = (
    "model",
    "revision",
    "author",
    "assessed_at",
    "license_id",
    "license_family",
    "license_category",
    "commercial_use",
    "claims_open",
    "openwashing",
    "parameters",
    "findings",
    "max_severity",
    "complete",
    *LEVEL_COLUMNS,
    *FRAMEWORK_COLUMNS,
)


def release_columns() -> list[sa.Column[Any]]:
    """Columns every rated release has, whatever rated it."""
    return [
        sa.Column("model", sa.String(512), nullable=False),
        sa.Column("author", sa.String(256), index=True),
        sa.Column("created_month", sa.String(7), index=True),
        sa.Column("downloads", sa.BigInteger),
        sa.Column("license_id", sa.String(256)),
        sa.Column("license_family", sa.String(64), nullable=False, index=True),
        sa.Column("license_category", sa.String(32), nullable=False, index=True),
        sa.Column("commercial_use", sa.String(16), nullable=False),
        sa.Column("claims_open", sa.Boolean, nullable=False),
        sa.Column("openwashing", sa.Boolean, nullable=False, index=True),
        sa.Column("base_model", sa.String(512), index=True),
        *(sa.Column(name, sa.String(16), nullable=False) for name in LEVEL_COLUMNS),
    ]


assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *release_columns(),
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
    sa.Column("document", DocumentType, nullable=False),
    # framework columns (migration 0003); "unknown" for documents without framework results.
    # Indexed only inside the listing index: an index of their own lured SQLite's planner into
    # reading the large rows (a filtered list 3-5x slower at 10,000 rows)
    sa.Column("mof_class", sa.String(16), nullable=False, server_default="unknown"),
    sa.Column("osaid", sa.String(16), nullable=False, server_default="unknown"),
    #: the OPN-OWS rule ids found, comma-separated; NULL when openwashing is the tag heuristic
    sa.Column("openwashing_rules", sa.String(128)),
    #: this row is its model's latest stored revision (the highest id); set by a database
    #: trigger on every insert (migration 0005), never by the writer
    sa.Column("latest", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("model", "revision", name="uq_assessments_model_revision"),
)
#: the dashboard's list: filter, count and page from the index alone (migrations 0002, 0003)
sa.Index(
    "ix_assessments_listing",
    *(
        assessments.c[name]
        for name in ("model", "id", "license_family", "commercial_use", "license_category")
    ),
    assessments.c.parameters,
    *(assessments.c[name] for name in LEVEL_COLUMNS),
    *(assessments.c[name] for name in FRAMEWORK_COLUMNS),
)

#: the dashboard's list of latest revisions: one contiguous range of this index (migration 0005)
sa.Index(
    "ix_assessments_latest",
    assessments.c.latest,
    *(
        assessments.c[name]
        for name in ("model", "id", "license_family", "commercial_use", "license_category")
    ),
    assessments.c.parameters,
    *(assessments.c[name] for name in LEVEL_COLUMNS),
    *(assessments.c[name] for name in FRAMEWORK_COLUMNS),
    # metrics count it; on SQLite the row holds it after the large document
    assessments.c.openwashing_rules,
)

#: batch bookkeeping: which target (at which cheap fingerprint) is done, so reruns skip it
targets = sa.Table(
    "targets",
    metadata,
    sa.Column("target", sa.String(2048), primary_key=True),
    sa.Column("fingerprint", sa.String(64)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id")),
    sa.Column("error", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

snapshots = sa.Table(
    "snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
)

hub_models = sa.Table(
    "hub_models",
    metadata,
    sa.Column(
        "snapshot_id",
        sa.Integer,
        sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
    ),
    *release_columns(),
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

#: weight fingerprints of known models (migration 0004; see docs/lineage.md): screened by
#: `sketch_key` (name and shape of the first sampled tensor), then compared on `fingerprint`
lineage_fingerprints = sa.Table(
    "lineage_fingerprints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model", sa.String(512), nullable=False, unique=True),
    sa.Column("license_id", sa.String(256)),
    sa.Column("format", sa.String(32)),
    sa.Column("signature", sa.String(64), nullable=False, index=True),
    sa.Column("sketch_key", sa.String(32)),
    #: float16 z-scores of the first sampled tensor's first values, for a vectorised screen
    sa.Column("sketch", sa.LargeBinary),
    sa.Column("fingerprint", sa.LargeBinary, nullable=False),
    sa.Column("tensors", sa.Integer, nullable=False),
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
)
#: the screen reads (id, sketch) of one sketch key from this index alone, never the large rows
sa.Index(
    "ix_lineage_fingerprints_screen",
    lineage_fingerprints.c.sketch_key,
    lineage_fingerprints.c.id,
    lineage_fingerprints.c.sketch,
)

#: each assessment's report sections as the dashboard shows them, rendered once when stored
#: (migration 0006; see report_store.py): the HTML before and after the attribute chart, which
#: is drawn from the row's columns at request time. `renderer` fingerprints the rendering code;
#: a row of another renderer is ignored and the page rendered from the document instead
report_sections = sa.Table(
    "report_sections",
    metadata,
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
