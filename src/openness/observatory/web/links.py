"""Where pages point: the live server (query strings, filters) or a static site (files).

Model ids are hostile text: the server passes them as a query parameter (never as path
segments, which `..` could rewrite); the static site names each model's file by a slug plus a
hash of the id, so no id can escape the site folder or collide with another.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote_plus, urlencode


def slug(model: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("._")[:80] or "model"
    return f"{readable}-{hashlib.sha256(model.encode()).hexdigest()[:12]}"


class ServerLinks:
    static_site = False

    def home(self, page: int = 1, params: Mapping[str, str] | None = None) -> str:
        query = dict(params or {})
        if page > 1:
            query["page"] = str(page)
        return "/" + (f"?{urlencode(query)}" if query else "")

    def model(self, model: str, revision: str | None = None) -> str:
        # what urlencode() writes, without its per-call overhead (50 of these per list page)
        query = f"id={quote_plus(model)}"
        return f"/model?{query}&revision={quote_plus(revision)}" if revision else f"/model?{query}"

    def compare(self, models: Sequence[str]) -> str:
        return "/compare?" + urlencode([("m", m) for m in models])

    def ecosystem(self) -> str:
        return "/ecosystem"

    def asset(self, name: str) -> str:
        return f"/static/{name}"

    def data(self, model: str | None = None) -> str:
        return f"/api/model?{urlencode({'id': model})}" if model else "/api/models"


class SiteLinks:
    """Links inside a published folder, relative to the page at `depth` (0 = the root)."""

    static_site = True

    def __init__(self, depth: int = 0) -> None:
        self.prefix = "../" * depth

    def home(self, page: int = 1, params: Mapping[str, str] | None = None) -> str:
        return self.prefix + ("index.html" if page <= 1 else f"page-{page}.html")

    def model(self, model: str, revision: str | None = None) -> str:
        return f"{self.prefix}models/{slug(model)}.html"

    def compare(self, models: Sequence[str]) -> str:
        return ""  # comparing needs the server; the static site has no compare page

    def ecosystem(self) -> str:
        return self.prefix + "ecosystem.html"

    def asset(self, name: str) -> str:
        return f"{self.prefix}static/{name}"

    def data(self, model: str | None = None) -> str:
        return f"{self.prefix}data/" + (f"models/{slug(model)}.json" if model else "models.json")


Links = ServerLinks | SiteLinks
