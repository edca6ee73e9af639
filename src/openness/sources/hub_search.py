"""Model search on the Hub: `GET /api/models` with the Hub's own parameters, page after page.

The Hub pages its listing with a `Link: <URL>; rel="next"` header whose URL carries the query and
a cursor. Every page goes through the Hub client's retry loop (429 with `Retry-After`, 5xx,
timeouts, cut-off bodies) and its error messages. Bounded: at most `limit` models (never more
than `MAX_LIMIT`), each page at most `MAX_PAGE_BYTES`, and the walk stops at a page that adds
nothing new. A next link that leaves the endpoint is refused: the token would be sent with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from ..errors import OpennessError
from ..lazy_re import lazy
from .hub_client import SINGLE_TRY, HubClient, HubError, _CutOff
from .hub_target import HUB_PREFIX, REPO

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
#: the Hub serves at most this many models per page
PAGE_SIZE = 1000
MAX_PAGE_BYTES = 32 * 1024 * 1024
MAX_VALUE_CHARS = 200

#: the Hub's sort keys, and the spellings huggingface_hub and its CLI accept for them
SORTS = {
    "downloads": "downloads",
    "likes": "likes",
    "trendingScore": "trendingScore",
    "trending_score": "trendingScore",
    "trending": "trendingScore",
    "createdAt": "createdAt",
    "created_at": "createdAt",
    "lastModified": "lastModified",
    "last_modified": "lastModified",
}
QUERY_KEYS = ("search", "author", "filter", "pipeline_tag", "library", "sort", "direction")
_COMMIT = lazy(r"^[0-9a-f]{40}$")
_CONTROL = lazy(r"[\x00-\x1f\x7f]")


class QueryError(OpennessError):
    """A Hub query a person wrote that cannot be sent as it is."""


@dataclass(frozen=True)
class HubQuery:
    """What `GET /api/models` is asked; `library` is sent as a filter tag, as the Hub files it."""

    search: str | None = None
    author: str | None = None
    filters: tuple[str, ...] = ()
    pipeline_tag: str | None = None
    sort: str | None = None
    direction: int | None = None

    def params(self, page_size: int) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for key, value in (
            ("search", self.search),
            ("author", self.author),
            ("pipeline_tag", self.pipeline_tag),
            ("sort", self.sort),
            ("direction", None if self.direction is None else str(self.direction)),
        ):
            if value is not None:
                found.append((key, value))
        found += [("filter", tag) for tag in self.filters]
        found += [("limit", str(page_size)), ("expand", "sha")]
        return found

    def canonical(self) -> str:
        """The query as one stable string (the same search written twice reads the same)."""
        return urlencode(self.params(0)[:-2])


def parse_query(text: str) -> HubQuery:
    """`author=meta-llama&pipeline_tag=text-generation&sort=downloads` into a HubQuery."""
    pairs = parse_qsl(text.strip().lstrip("?"), keep_blank_values=True)
    if not pairs:
        raise QueryError(f"--hub-query is empty; give e.g. 'author=acme&sort=downloads' ({_KEYS})")
    single: dict[str, str] = {}
    filters: list[str] = []
    for key, value in pairs:
        if key not in QUERY_KEYS:
            hint = "; use --limit" if key == "limit" else ""
            raise QueryError(f"--hub-query: unknown key {key!r}{hint} ({_KEYS})")
        if not value.strip() or len(value) > MAX_VALUE_CHARS or _CONTROL.search(value):
            raise QueryError(f"--hub-query: {key}= needs a value of 1-{MAX_VALUE_CHARS} characters")
        if key in ("filter", "library"):
            filters += [v.strip() for v in value.split(",") if v.strip()]
        elif key in single:
            raise QueryError(f"--hub-query: {key}= is given twice")
        else:
            single[key] = value.strip()
    author = single.get("author")
    if author is not None and not REPO.match(f"{author}/x"):
        raise QueryError(f"--hub-query: author={author!r} is not a Hub user or organisation")
    return HubQuery(
        search=single.get("search"),
        author=author,
        filters=tuple(dict.fromkeys(filters)),
        pipeline_tag=single.get("pipeline_tag"),
        sort=_sort(single.get("sort")),
        direction=_direction(single.get("direction")),
    )


_KEYS = "keys: " + ", ".join(QUERY_KEYS)


def _sort(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in SORTS:
        choices = ", ".join(sorted(set(SORTS.values())))
        raise QueryError(f"--hub-query: sort={value!r} is not one of {choices}")
    return SORTS[value]


def _direction(value: str | None) -> int | None:
    if value is None:
        return None
    if value != "-1":
        raise QueryError("--hub-query: the Hub sorts in descending order only (direction=-1)")
    return -1


@dataclass(frozen=True)
class ListedModel:
    repo_id: str
    sha: str | None  # the listing's current commit, when it gave one

    @property
    def target(self) -> str:
        at = f"@{self.sha}" if self.sha else ""
        return f"{HUB_PREFIX}{self.repo_id}{at}"


@dataclass(frozen=True)
class SearchResult:
    models: tuple[ListedModel, ...]
    pages: int
    ignored: int  # listing entries that were not a model id (or repeated one already listed)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT:,} (got {limit})")
    return limit


def search_models(
    query: HubQuery, limit: int = DEFAULT_LIMIT, client: HubClient | None = None
) -> SearchResult:
    """Up to `limit` models the Hub lists for `query`, in the Hub's order."""
    check_limit(limit)
    client = client or HubClient()
    models: dict[str, ListedModel] = {}
    ignored = pages = 0
    for page in _pages(client, query, limit):
        pages += 1
        before = len(models)
        for entry in page:
            listed = _listed(entry)
            if listed is None or listed.repo_id in models:
                ignored += 1
                continue
            models[listed.repo_id] = listed
            if len(models) >= limit:
                break
        if len(models) >= limit or len(models) == before:
            break
    return SearchResult(tuple(models.values()), pages, ignored)


def _listed(entry: object) -> ListedModel | None:
    """A listing entry as a model id (checked like any target: it ends up in a targets file)."""
    if not isinstance(entry, dict):
        return None
    repo_id, sha = entry.get("id"), entry.get("sha")
    if not isinstance(repo_id, str) or not REPO.match(repo_id) or ".." in repo_id:
        return None
    return ListedModel(repo_id, sha if isinstance(sha, str) and _COMMIT.match(sha) else None)


def _pages(client: HubClient, query: HubQuery, limit: int) -> Iterator[list[Any]]:
    url: str | None = f"{client.endpoint}/api/models"
    params: list[tuple[str, str]] | None = query.params(min(limit, PAGE_SIZE))
    what = f"the model search {query.canonical() or '(all models)'}"
    while url is not None:
        page, next_url = _fetch(client, url, params, what)
        yield page
        url, params = (_same_origin(client.endpoint, url, next_url) if next_url else None), None


def _fetch(
    client: HubClient, url: str, params: list[tuple[str, str]] | None, what: str
) -> tuple[list[Any], str | None]:
    from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_stream_backoff

    def call() -> tuple[list[Any], str | None]:
        with http_stream_backoff(
            "GET",
            url,
            params=params,
            headers=build_hf_headers(),
            timeout=client.timeout,
            **SINGLE_TRY,
        ) as response:
            if response.status_code >= 400:
                response.read()
                hf_raise_for_status(response)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    raise HubError(
                        f"a page of {what} is larger than {MAX_PAGE_BYTES // 2**20} MiB; "
                        "not reading it (is HF_ENDPOINT a Hub?)"
                    )
            next_url = response.links.get("next", {}).get("url")
        client.traffic.add(1, len(body))
        try:
            data = json.loads(body)
        except ValueError:
            raise _CutOff(f"a page of {what} is not complete JSON") from None
        if not isinstance(data, list):
            raise _CutOff(f"a page of {what} is not a JSON list")
        return data, next_url if isinstance(next_url, str) else None

    return client.retrying(call, what=what, repo_id="models")


def _same_origin(endpoint: str, current: str, link: str) -> str:
    target = urljoin(current, link)
    want, got = urlsplit(endpoint), urlsplit(target)
    if (got.scheme, got.netloc) != (want.scheme, want.netloc):
        raise HubError(
            f"the Hub's next-page link leads to {got.scheme}://{got.netloc}, not {endpoint}; "
            "refusing to follow it (HF_TOKEN would be sent there)"
        )
    return target
