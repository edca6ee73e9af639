"""The dashboard as a FastAPI app: server-rendered pages and a read-only JSON API.

Every route here is a GET: nothing here starts an assessment or writes to the store, so there is
no state a cross-site request could change. Only when the operator gives a token does
`create_app` mount the job endpoints of `jobs.py` (token-protected, CSRF-safe) that start
assessments. The interactive API docs (Swagger UI) are off because they load scripts from a CDN;
the spec itself is at /openapi.json.
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at runtime.
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from ... import __version__
from ...errors import OpennessError
from ..metrics_render import render as render_metrics
from ..tables import assessments
from . import pages, queries
from .api_models import Health, ModelDetail, ModelPage, ModelRow
from .links import ServerLinks
from .responses import GZIP_LEVEL, MIN_GZIP, cached
from .warm import ecosystem_metrics

if TYPE_CHECKING:
    from .jobs import JobsConfig

JSON = "application/json"
Level = Literal["open", "partial", "closed", "unknown"]
Commercial = Literal["yes", "conditional", "no", "unknown"]
LINKS = ServerLinks()
Text = Annotated[str | None, Query(max_length=256)]
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=queries.PER_PAGE_MAX)]
Id = Annotated[str, Query(min_length=1, max_length=2048)]
SECURITY_HEADERS = {
    "Content-Security-Policy": pages.CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@dataclass(frozen=True)
class ListRequest:
    """A list page or API list request, parsed (the query runs in the route)."""

    filters: queries.Filters
    page: int
    per_page: int
    after: str | None

    def key(self) -> Hashable:
        return (queries.filter_key(self.filters), self.page, self.per_page, self.after)


def create_app(engine: sa.Engine, jobs: "JobsConfig | None" = None) -> FastAPI:
    app = FastAPI(
        title="openness observatory",
        version=__version__,
        description="Read-only access to stored openness assessments and ecosystem metrics.",
        docs_url=None,
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    app.add_middleware(HeadAsGet)
    # pages and lists compress 5-10x even at the cheapest level (responses.GZIP_LEVEL)
    app.add_middleware(GZipMiddleware, minimum_size=MIN_GZIP, compresslevel=GZIP_LEVEL)

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(("/api/", "/openapi")):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return HTMLResponse(
            pages.error_page(LINKS, exc.status_code, str(exc.detail)), exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith(("/api/", "/openapi")):
            return await request_validation_exception_handler(request, exc)
        reasons = "; ".join(_reason(e) for e in exc.errors())
        return HTMLResponse(pages.error_page(LINKS, 400, reasons), 400)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(pages.STATIC / "favicon.svg", media_type="image/svg+xml")

    def filters(
        q: str | None,
        license_family: str | None,
        commercial_use: str | None,
        open_weights: bool | None,
        levels: Mapping[str, str | None],
    ) -> queries.Filters:
        chosen = {k: v for k, v in levels.items() if v}
        return queries.Filters(
            q or None, license_family or None, commercial_use, open_weights, chosen
        )

    def record(model: str, revision: str | None = None, document: bool = True) -> dict[str, Any]:
        try:
            return queries.model_record(engine, model, revision, document=document)
        except OpennessError as exc:
            raise HTTPException(404, str(exc)) from None

    async def listing(  # async: only parses the query, no thread hop for it (~0.5 ms)
        q: Text = None,
        license_family: Text = None,
        commercial_use: Commercial | None = None,
        open_weights: bool | None = None,
        open_code: Level | None = None,
        open_license: Level | None = None,
        inputs_transparency: Level | None = None,
        threats_transparency: Level | None = None,
        open_standards: Level | None = None,
        mof_class: Literal["I", "II", "III", "none", "unknown"] | None = None,
        osaid: Literal["pass", "fail", "unknown"] | None = None,
        page: PageNo = 1,
        per_page: PerPage = queries.DEFAULT_PER_PAGE,
        after: Annotated[str | None, Query(max_length=512)] = None,
    ) -> ListRequest:
        levels = {
            "open_code": open_code,
            "open_license": open_license,
            "inputs_transparency": inputs_transparency,
            "threats_transparency": threats_transparency,
            "open_standards": open_standards,
        }
        chosen = filters(q, license_family, commercial_use, open_weights, levels)
        return ListRequest(chosen.with_frameworks(mof_class, osaid), page, per_page, after)

    Listing = Annotated[ListRequest, Depends(listing)]

    def listed(asked: ListRequest) -> queries.Page:
        return queries.list_models(engine, asked.filters, asked.page, asked.per_page, asked.after)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, asked: Listing) -> Response:
        def build() -> bytes:
            page = listed(asked)
            if page.page > page.pages:
                raise HTTPException(
                    404, f"there is no page {page.page}: the list has {page.pages} page(s)"
                )
            return pages.list_page(engine, LINKS, asked.filters, page).encode()

        return cached(engine, request, ("/", asked.key()), build)

    @app.get("/model", response_class=HTMLResponse, include_in_schema=False)
    def model_page(request: Request, id: Id, revision: Text = None) -> Response:
        def build() -> bytes:
            try:
                return pages.model_page(engine, LINKS, id, revision).encode()
            except OpennessError as exc:
                raise HTTPException(404, str(exc)) from None

        return cached(engine, request, ("/model", id, revision), build)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare(m: Annotated[list[str], Query(max_length=4)] = []) -> str:  # noqa: B006
        if len(set(m)) < 2:
            raise HTTPException(400, "choose 2 to 4 models to compare (tick their boxes)")
        for name in m:
            record(name, document=False)
        return pages.compare_page(engine, LINKS, m)

    @app.get("/ecosystem", response_class=HTMLResponse, include_in_schema=False)
    def ecosystem(request: Request) -> Response:
        def build() -> bytes:
            return pages.ecosystem_page(engine, LINKS, metrics()).encode()

        return cached(engine, request, ("/ecosystem",), build)

    def metrics() -> Any:
        return ecosystem_metrics(engine)

    @app.get("/api/models", response_model=ModelPage, tags=["models"])
    def api_models(request: Request, asked: Listing) -> Response:
        def build() -> bytes:
            page = listed(asked)
            payload = ModelPage.model_validate(
                {
                    "total": page.total,
                    "page": page.page,
                    "per_page": page.per_page,
                    "pages": page.pages,
                    "items": page.rows,
                    "next_after": page.next_after,
                }
            )
            return payload.model_dump_json().encode()  # pydantic's own JSON: half the CPU

        return cached(engine, request, ("/api/models", asked.key()), build, JSON)

    @app.get(
        "/api/model",
        response_model=ModelDetail,
        responses={404: {"description": "no such model or revision"}},
        tags=["models"],
    )
    def api_model(id: Id, revision: Text = None) -> dict[str, Any]:
        row = record(id, revision)
        return {"row": ModelRow.model_validate(row), "document": row["document"]}

    @app.get(
        "/api/model/history",
        response_model=list[ModelRow],
        responses={404: {"description": "no such model"}},
        tags=["models"],
    )
    def api_history(id: Id) -> list[dict[str, Any]]:
        found = queries.model_history(engine, id)
        if not found:
            raise HTTPException(404, f"no stored assessment for {id}")
        return found

    @app.get("/api/metrics", tags=["ecosystem"])
    def api_metrics() -> dict[str, Any]:
        import json

        data: dict[str, Any] = json.loads(render_metrics(metrics(), "json"))
        return data

    @app.get("/api/health", response_model=Health, tags=["service"])
    def health() -> dict[str, Any]:
        with engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(assessments)).scalar_one()
        return {"status": "ok", "assessments": int(n)}

    if jobs is not None:
        from .jobs import mount

        mount(app, engine, jobs)
    return app


def _reason(error: Mapping[str, Any]) -> str:
    """A validation error as a sentence: which parameter, what was wrong with it."""
    where = [str(p) for p in error.get("loc", ()) if p not in ("query", "body")]
    given = error.get("input")
    value = f" (got {given!r})" if isinstance(given, str) else ""
    return f"{'.'.join(where) or 'request'}: {error.get('msg', 'invalid')}{value}"


class SecurityHeaders:
    """The security headers on every response; on pages, empty query fields dropped (an empty
    field of the filter form means "any", not an invalid value).

    Plain ASGI: Starlette's `@app.middleware("http")` runs each request through an extra task
    and memory streams, a fixed cost on every response, cached ones included.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        if not scope.get("path", "").startswith("/api/"):
            raw = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(raw, keep_blank_values=True, encoding="latin-1")
            if any(v == "" for _, v in pairs):
                kept = [(k, v) for k, v in pairs if v != ""]
                scope = {**scope, "query_string": urlencode(kept, encoding="latin-1").encode()}

        async def with_headers(message: Any) -> None:
            if message.get("type") == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """HEAD answers as GET would, without the body (FastAPI routes are GET only)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def no_body(message: Any) -> None:
            if message.get("type") == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, no_body)
