"""Report sections rendered once, when an assessment is stored, for the dashboard's model page.

Rendering a stored document (decode the JSON, rebuild the Assessment, build the report context,
write the sections) costs 15-25 ms; a model page served from the stored rendering costs a read
and a decompression. The attribute chart sits between the sections and is drawn from the row's
columns per request, so the rendering is kept as the HTML before and after it.

A rendering is only used by the renderer that wrote it: `renderer()` fingerprints the tool
version and every source and data file of the package (what renders reaches into the model, its
decoder, the license catalog and the framework titles), except the dashboard server's and the
command line's (`SERVING`): the renderer never imports them (tests/observatory/
test_renderer_fingerprint.py walks its import graph), so changing how pages are served keeps the
stored renderings. After an upgrade that changes anything else, pages are rendered from the
documents again until `prerender` has rewritten the stored renderings.
"""

from __future__ import annotations

import hashlib
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import __version__
from ..errors import OpennessError
from .tables import assessments, report_sections

#: a stored part larger than this once inflated is not used (the page is rendered live)
MAX_PART_BYTES = 16 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parents[1]
#: package folders the renderer does not import: their files are not part of its fingerprint
SERVING = ("observatory/web", "cli")


@dataclass(frozen=True)
class Rendered:
    """The report sections around the attribute chart: `head + chart + tail` is the page's
    report, byte for byte what `html_sections.sections(view, chart)` writes."""

    head: str
    tail: str

    def around(self, chart: str) -> str:
        # plain str concatenation: `head + chart` with a Markup chart would escape the head
        return "".join((self.head, str(chart), self.tail))


@cache
def renderer() -> str:
    digest = hashlib.sha256(__version__.encode())
    sources = sorted(
        path
        for path in _PACKAGE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix != ".pyc"
        and not _serving(path.relative_to(_PACKAGE).as_posix())
    )
    for path in sources:
        name = path.relative_to(_PACKAGE).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def _serving(name: str) -> bool:
    return any(name.startswith(folder + "/") for folder in SERVING)


def render(document: Mapping[str, Any]) -> Rendered | None:
    """The dashboard's report sections of a stored document (local file links kept, as the
    server shows them); None when the document cannot be shown as a report."""
    from ..formats import context, html_sections
    from ..serialize import assessment_from_data

    marker = f"<!--chart-{uuid.uuid4().hex}-->"
    try:
        view = context.build(assessment_from_data(dict(document)))
    except OpennessError:
        return None
    text = html_sections.sections(view, marker, local_links=True)
    if text.count(marker) != 1:  # cannot happen with a random marker; never guess a split
        return None
    head, _, tail = text.partition(marker)
    return Rendered(head, tail)


def values(assessment_id: int, rendered: Rendered) -> dict[str, Any]:
    """The `report_sections` row of a rendering."""
    return {
        "assessment_id": assessment_id,
        "renderer": renderer(),
        "head": zlib.compress(rendered.head.encode(), 6),
        "tail": zlib.compress(rendered.tail.encode(), 6),
    }


def save(conn: sa.Connection, assessment_id: int, document: Mapping[str, Any]) -> bool:
    """Store the rendering of a just-inserted assessment; False when it has none."""
    rendered = render(document)
    if rendered is not None:
        conn.execute(sa.insert(report_sections).values(values(assessment_id, rendered)))
    return rendered is not None


def stored(conn: sa.Connection, assessment_id: int) -> Rendered | None:
    """This renderer's stored rendering of an assessment, None when there is none to use."""
    query = sa.select(report_sections.c.head, report_sections.c.tail).where(
        report_sections.c.assessment_id == assessment_id,
        report_sections.c.renderer == renderer(),
    )
    row = conn.execute(query).first()
    return None if row is None else from_parts(row.head, row.tail)


def from_parts(head: bytes, tail: bytes) -> Rendered | None:
    """A rendering from its stored (compressed) parts; None when they cannot be used."""
    inflated_head, inflated_tail = _inflate(head), _inflate(tail)
    if inflated_head is None or inflated_tail is None:
        return None
    return Rendered(inflated_head, inflated_tail)


def _inflate(blob: bytes) -> str | None:
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(blob, MAX_PART_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            return None
        return data.decode()
    except (zlib.error, UnicodeDecodeError):
        return None


def prerender(
    engine: sa.Engine, batch: int = 200, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Render every stored assessment that has no rendering of this renderer; returns (rendered,
    not renderable). One transaction per batch: an interrupted run keeps what it wrote.
    `progress(done, total)` is called after each batch."""
    current = report_sections.c.renderer == renderer()
    done = sa.select(report_sections.c.assessment_id).where(current)
    missing = (
        sa.select(assessments.c.id).where(assessments.c.id.not_in(done)).order_by(assessments.c.id)
    )
    with engine.connect() as conn:
        ids = [int(i) for i in conn.execute(missing).scalars()]
    rendered = failed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        query = sa.select(assessments.c.id, assessments.c.document).where(
            assessments.c.id.in_(chunk)
        )
        with engine.begin() as conn:
            conn.execute(
                sa.delete(report_sections).where(report_sections.c.assessment_id.in_(chunk))
            )
            for row in conn.execute(query).all():
                if save(conn, row.id, row.document):
                    rendered += 1
                else:
                    failed += 1
        if progress is not None:
            progress(start + len(chunk), len(ids))
    return rendered, failed
