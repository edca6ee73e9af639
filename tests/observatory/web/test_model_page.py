"""The dashboard's model page is the HTML report's renderer over the stored document."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_a_document_the_tool_cannot_read_back_still_gets_a_page(tmp_path: Path) -> None:
    """The model page renders a stored document through the report context; one of another
    schema shows its indexed columns and says why there is no report, instead of failing."""
    from datetime import UTC, datetime

    from openness.observatory.record import row_for
    from openness.observatory.repository import save_assessment
    from openness.observatory.store import open_store
    from openness.observatory.web import pages
    from openness.observatory.web.links import ServerLinks
    from openness.pipeline import assess
    from openness.serialize import to_data
    from tests.observatory.conftest import make_release

    engine = open_store(f"sqlite:///{tmp_path / 'old.db'}")
    data = to_data(assess(str(make_release(tmp_path / "old"))))
    data["schema"] = "openness.assessment/0"
    save_assessment(engine, row_for(data, "acme/old", datetime(2025, 1, 1, tzinfo=UTC)), "", None)
    html = pages.model_page(engine, ServerLinks(), "acme/old")
    assert "cannot be shown as a report" in html and "openness.assessment/0" in html
    assert 'id="attributes"' in html and 'id="history"' in html


def test_the_model_page_holds_the_html_reports_sections(web_store: tuple[Any, str]) -> None:
    """Issue 17 item 3: one renderer for the HTML report and the model page."""
    from openness import formats
    from openness.formats.interface import RenderOptions
    from openness.observatory.web import pages, queries
    from openness.observatory.web.links import ServerLinks
    from openness.serialize import assessment_from_data

    engine = web_store[0]
    for model in ("acme/open-one", "bigco/nc-model", "bigco/no-license"):
        page = pages.model_page(engine, ServerLinks(), model)
        document = queries.model_record(engine, model)["document"]
        report = formats.get("html")(assessment_from_data(document), RenderOptions())
        for section in ("verdict", "release", "findings", "frameworks", "license", "files"):
            start = f'<h2 id="{section}">'
            heading, content = report.split(start, 1)[1].split("\n")[:2]  # one line each
            assert f"{start}{heading}\n{content}\n" in page, (model, section)
            assert len(content) > 10, (model, section)  # a table or a sentence
