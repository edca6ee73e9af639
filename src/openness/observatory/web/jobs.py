"""The endpoints that start assessments: `POST /api/assessments`, `GET /api/jobs/{id}`.

They exist only when the operator configures a token (`openness serve --token-file`); without
one the dashboard stays read-only and these paths answer 404. Every request must carry
`Authorization: Bearer TOKEN`, compared in constant time. There is no cookie or other ambient
credential a browser would attach to a cross-site request, and on top of that a POST must be
`application/json` (HTML forms and no-preflight fetches cannot send it cross-site: 415) and a
request whose Origin (or Sec-Fetch-Site) shows another site is refused (403).
"""

# No `from __future__ import annotations`: FastAPI reads these annotations at runtime.
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool

from ...errors import OpennessError
from .job_board import JobBoard, JobLimits
from .job_targets import MAX_TARGET_CHARS, Admitted, RefusedTarget, TargetPolicy, admit

MIN_TOKEN_CHARS = 16
RETRY_AFTER_SECONDS = "30"
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_FOREIGN_FETCH_SITES = {"cross-site", "same-site"}


@dataclass(frozen=True)
class JobsConfig:
    token: str = field(repr=False)
    policy: TargetPolicy = TargetPolicy()
    limits: JobLimits = JobLimits()

    def __post_init__(self) -> None:
        if len(self.token) < MIN_TOKEN_CHARS or not self.token.isprintable():
            raise OpennessError(
                f"the serve token must be at least {MIN_TOKEN_CHARS} printable characters "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )


Target = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TARGET_CHARS)]


class Error(BaseModel):
    detail: str


class TargetResult(BaseModel):
    target: str
    status: Literal["pending", "done", "failed"]
    model: str | None
    revision: str | None
    error: str | None


class JobView(BaseModel):
    id: str
    status: Literal["queued", "running", "finished", "failed"]
    created_at: datetime
    finished_at: datetime | None
    total: int
    completed: int
    stored: int
    skipped: int
    unchanged: int
    failed: int
    error: str | None
    targets: list[TargetResult]


class Refusal(Exception):
    """An error answer of the job API, with its headers (the dashboard's handler drops them)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)
    return JSONResponse({"detail": exc.detail}, exc.status, exc.headers)


def mount(app: FastAPI, engine: sa.Engine, config: JobsConfig) -> None:
    app.add_exception_handler(Refusal, _refused)
    app.include_router(router(engine, config))
    app.description = (
        "Stored openness assessments and ecosystem metrics. Starting assessments "
        "(POST /api/assessments) needs the server's bearer token."
    )


def router(engine: sa.Engine, config: JobsConfig) -> APIRouter:
    board = JobBoard(engine, config.limits)
    request_model = _request_model(config.limits.targets)
    bearer = HTTPBearer(auto_error=False, description="the token the server was started with")

    def guard(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if _foreign(request):
            raise Refusal(403, "cross-origin requests are refused")
        given = credentials.credentials.encode() if credentials else b""
        if not hmac.compare_digest(given, config.token.encode()):
            raise Refusal(401, "a valid bearer token is needed", {"WWW-Authenticate": "Bearer"})

    api = APIRouter(prefix="/api", tags=["jobs"], dependencies=[Depends(guard)])
    errors: dict[int | str, dict[str, Any]] = {
        401: {"model": Error, "description": "no token, or a wrong one"},
        403: {"model": Error, "description": "the request comes from another origin"},
    }

    @api.post(
        "/assessments",
        status_code=202,
        response_model=JobView,
        responses={
            **errors,
            400: {"model": Error, "description": "a target this server does not allow"},
            413: {"model": Error, "description": "the body is too large"},
            415: {"model": Error, "description": "the body is not application/json"},
            422: {"model": Error, "description": 'the body is not {"targets": [...]}'},
            429: {"model": Error, "description": "as many jobs as allowed already run"},
        },
        openapi_extra={"requestBody": _body_spec(request_model)},
    )
    async def start(request: Request) -> JSONResponse:
        if _media_type(request) != "application/json":
            raise Refusal(415, "send the body as Content-Type: application/json")
        body = await _read_capped(request, config.limits.body_bytes)
        try:
            wanted: list[str] = request_model.model_validate_json(body).model_dump()["targets"]
        except ValidationError as exc:
            raise Refusal(422, _first_problem(exc)) from None
        if board.busy():
            raise Refusal(429, "too many jobs are running", {"Retry-After": RETRY_AFTER_SECONDS})
        admitted = await run_in_threadpool(_admit_all, wanted, config.policy)
        job = board.start(admitted)
        if job is None:
            raise Refusal(429, "too many jobs are running", {"Retry-After": RETRY_AFTER_SECONDS})
        view = JobView.model_validate(board.view(job.id))
        return JSONResponse(view.model_dump(mode="json"), 202, {"Location": f"/api/jobs/{job.id}"})

    @api.get(
        "/jobs/{id}",
        response_model=JobView,
        responses={**errors, 404: {"model": Error, "description": "no such job"}},
    )
    def job_status(id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]) -> dict[str, Any]:
        found = board.view(id)
        if found is None:
            raise Refusal(404, "no such job (finished jobs are forgotten after a while)")
        return found

    return api


def _request_model(max_targets: int) -> type[BaseModel]:
    class JobRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        targets: list[Target] = Field(min_length=1, max_length=max_targets)

    return JobRequest


def _body_spec(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": model.model_json_schema()}},
    }


def _admit_all(wanted: list[str], policy: TargetPolicy) -> list[Admitted]:
    admitted: dict[str, Admitted] = {}
    for raw in wanted:
        try:
            one = admit(raw, policy)
        except RefusedTarget as exc:
            raise Refusal(400, str(exc)) from None
        admitted.setdefault(one.target, one)
    return list(admitted.values())


def _foreign(request: Request) -> bool:
    """True when the browser says the request comes from another site or origin."""
    if request.headers.get("sec-fetch-site", "").lower() in _FOREIGN_FETCH_SITES:
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not sent by a browser's cross-origin machinery (curl, scripts)
    own = _origin(request.url.scheme, request.url.netloc)
    scheme, _, rest = origin.strip().partition("://")
    return _origin(scheme, rest) != own


def _origin(scheme: str, netloc: str) -> str:
    scheme, netloc = scheme.lower(), netloc.lower().rstrip("/")
    default = _DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(f":{default}"):
        netloc = netloc[: -len(default) - 1]
    return f"{scheme}://{netloc}"


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise Refusal(413, f"the body is over {cap} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise Refusal(413, f"the body is over {cap} bytes")
    return bytes(body)


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f'{where}: {first["msg"]}; send {{"targets": ["hf:ORG/NAME", "/allowed/path"]}}'
