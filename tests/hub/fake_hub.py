"""A small fake of the Hugging Face Hub on 127.0.0.1, for driving the real huggingface_hub client.

It serves what `openness` asks of the Hub: model and dataset info (`/api/models/ID[/revision/R]`,
`/api/datasets/ID`), the model search (`/api/models?search=&author=&filter=&sort=&limit=`, paged
by a `Link: <...>; rel="next"` header with a cursor, as the Hub does), and file content
(`/ID/resolve/R/PATH`, `/datasets/ID/resolve/R/PATH`) with HTTP Range support. Repos are made
from local folders or from in-memory files; big files can be sparse (a real header followed by
zeros that are never stored). Faults are injected per request:
a status with headers (429 + Retry-After, 401, 403...) a number of times, or a body cut off
mid-way. Every request and every body byte is counted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import yaml

LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".pkl")


@dataclass(frozen=True)
class Content:
    """File content: `head` bytes followed by zeros up to `size` (sparse when size > len(head))."""

    head: bytes
    size: int
    #: the LFS digest the Hub claims; computed from the bytes when None
    sha256: str | None = None

    @classmethod
    def of(cls, data: bytes) -> Content:
        return cls(data, len(data))

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end)."""
        end = min(end, self.size)
        if start >= end:
            return b""
        inside = self.head[start:end]
        return inside + bytes(end - start - len(inside))

    def digest(self) -> str:
        if self.sha256 is not None:
            return self.sha256
        h = hashlib.sha256(self.head)
        h.update(bytes(self.size - len(self.head)))
        return h.hexdigest()


def is_lfs(path: str, content: Content) -> bool:
    return path.endswith(LFS_SUFFIXES) or content.size > 10 * 1024 * 1024


def folder_files(folder: Path) -> dict[str, Content]:
    return {
        p.relative_to(folder).as_posix(): Content.of(p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def commit_sha(files: dict[str, Content], salt: str = "") -> str:
    h = hashlib.sha1(salt.encode())
    for path, content in sorted(files.items()):
        h.update(path.encode() + b"\0" + content.digest().encode())
    return h.hexdigest()


@dataclass
class Repo:
    repo_id: str
    kind: str = "model"  # model | dataset
    commits: dict[str, dict[str, Content]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    card_data: dict[str, object] | None = None
    gated: bool | str = False
    security: dict[str, object] | None = None
    extra_info: dict[str, object] = field(default_factory=dict)

    def add_commit(self, files: dict[str, Content], ref: str = "main") -> str:
        sha = commit_sha(files, salt=f"{self.repo_id}:{len(self.commits)}")
        self.commits[sha] = files
        self.refs[ref] = sha
        return sha

    def resolve(self, revision: str) -> str | None:
        if revision in self.commits:
            return revision
        return self.refs.get(revision)


@dataclass
class Fault:
    """Answer `status` (with headers) to requests whose path matches, `times` times."""

    pattern: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    #: instead of a status: send the headers for the full body, then only this many bytes
    truncate_at: int | None = None


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the client opens several connections at once
    daemon_threads = True


class FakeHub:
    def __init__(self, token: str | None = None):
        self.repos: dict[tuple[str, str], Repo] = {}
        self.faults: list[Fault] = []
        self.token = token
        self.requests: list[tuple[str, str, str | None]] = []
        self.body_bytes = 0
        self.auth_headers: list[str] = []
        self.on_request: Callable[[str], None] | None = None
        #: the model search: at most this many models per page; the query of every search request
        self.page_size = 1000
        self.searches: list[str] = []
        #: where next-page links point (default: this server)
        self.next_link_origin: str | None = None
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_repo(self, repo: Repo) -> Repo:
        self.repos[(repo.kind, repo.repo_id)] = repo
        return repo

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        from huggingface_hub.utils import close_session

        close_session()  # pooled connections must not outlive this server (its port is reused)
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.body_bytes = 0

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and re.search(fault.pattern, path):
                    fault.times -= 1
                    return fault
        return None


def front_matter(readme: bytes) -> dict[str, object] | None:
    """The card's YAML front matter, as the Hub serves it in `cardData`."""
    text = readme.decode("utf-8", "replace")
    if not text.startswith("---"):
        return None
    data = yaml.safe_load(text.split("---", 2)[1])
    return data if isinstance(data, dict) else None


def info_payload(repo: Repo, sha: str) -> dict[str, object]:
    siblings = []
    for path, content in sorted(repo.commits[sha].items()):
        sibling: dict[str, object] = {
            "rfilename": path,
            "size": content.size,
            "blobId": hashlib.sha1(content.head).hexdigest(),
        }
        if is_lfs(path, content):
            sibling["lfs"] = {"sha256": content.digest(), "size": content.size, "pointerSize": 134}
        siblings.append(sibling)
    payload: dict[str, object] = {
        "id": repo.repo_id,
        "sha": sha,
        "private": False,
        "gated": repo.gated,
        "disabled": False,
        "siblings": siblings,
        "tags": [],
    }
    card_data = repo.card_data
    if card_data is None and "README.md" in repo.commits[sha]:
        card_data = front_matter(repo.commits[sha]["README.md"].head)
    if card_data is not None:
        payload["cardData"] = card_data
    if repo.kind == "model":
        payload["securityRepoStatus"] = repo.security or {"scansDone": True, "filesWithIssues": []}
    payload.update(repo.extra_info)
    return payload


def search_page(
    hub: FakeHub, params: dict[str, list[str]]
) -> tuple[list[dict[str, object]], str | None]:
    """One page of the model search, and the query of the next page (None on the last)."""

    def one(key: str) -> str | None:
        return params.get(key, [None])[-1]

    found = []
    for repo in sorted(
        (r for r in hub.repos.values() if r.kind == "model"), key=lambda r: r.repo_id
    ):
        listed_tags = repo.extra_info.get("tags")
        tags = {str(t) for t in listed_tags} if isinstance(listed_tags, list) else set()
        pipeline = repo.extra_info.get("pipeline_tag")
        if (search := one("search")) and search.lower() not in repo.repo_id.lower():
            continue
        if (author := one("author")) and repo.repo_id.split("/")[0] != author:
            continue
        if not set(params.get("filter", [])) <= tags | {str(pipeline)}:
            continue
        if (wanted := one("pipeline_tag")) and pipeline != wanted:
            continue
        found.append(repo)
    if sort := one("sort"):
        found.sort(key=lambda r: -int(str(r.extra_info.get(sort, 0))))
    cursor = one("cursor")
    start = int(base64.b64decode(cursor)) if cursor else 0
    size = min(int(one("limit") or hub.page_size), hub.page_size)
    with_sha = "sha" in params.get("expand", []) or one("full") == "true"
    page: list[dict[str, object]] = []
    for repo in found[start : start + size]:
        entry: dict[str, object] = {"_id": repo.repo_id, "id": repo.repo_id, "likes": 0}
        if with_sha:
            entry["sha"] = repo.refs["main"]
        page.append(entry)
    if start + size >= len(found):
        return page, None
    rest = [(k, v) for k, values in params.items() if k != "cursor" for v in values]
    next_cursor = base64.b64encode(str(start + size).encode()).decode()
    return page, urlencode(rest + [("cursor", next_cursor)])


_API = re.compile(r"^/api/(models|datasets)/([^/]+/[^/]+)(?:/revision/([^/]+))?$")
_RESOLVE = re.compile(r"^/(datasets/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(head_only=True)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(head_only=False)

        def _serve(self, head_only: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            self.close_connection = True  # one request per connection: nothing outlives stop()
            with hub._lock:
                hub.requests.append((self.command, path, self.headers.get("Range")))
                hub.auth_headers.append(self.headers.get("Authorization", ""))
            if hub.on_request is not None:
                hub.on_request(path)
            fault = hub._take_fault(path)
            if fault is not None and fault.truncate_at is None:
                self._send(fault.status, b'{"error": "injected"}', fault.headers, head_only)
                return
            if path == "/api/models":
                self._search(urlsplit(self.path).query, head_only)
            elif m := _API.match(path):
                self._api(m, head_only)
            elif m := _RESOLVE.match(path):
                self._resolve(m, head_only, fault)
            else:
                self._error(404, "RepoNotFound", "not found", head_only)

        def _api(self, m: re.Match[str], head_only: bool) -> None:
            kind = "model" if m.group(1) == "models" else "dataset"
            repo = hub.repos.get((kind, m.group(2)))
            if repo is None:
                self._error(404, "RepoNotFound", "Repository not found", head_only)
                return
            sha = repo.resolve(m.group(3) or "main")
            if sha is None:
                self._error(404, "RevisionNotFound", "Invalid rev id", head_only)
                return
            body = json.dumps(info_payload(repo, sha)).encode()
            self._send(200, body, {"Content-Type": "application/json"}, head_only)

        def _search(self, query: str, head_only: bool) -> None:
            with hub._lock:
                hub.searches.append(query)
            page, next_query = search_page(hub, parse_qs(query))
            headers = {"Content-Type": "application/json"}
            if next_query is not None:
                origin = hub.next_link_origin or hub.endpoint
                headers["Link"] = f'<{origin}/api/models?{next_query}>; rel="next"'
            self._send(200, json.dumps(page).encode(), headers, head_only)

        def _resolve(self, m: re.Match[str], head_only: bool, fault: Fault | None) -> None:
            kind = "dataset" if m.group(1) else "model"
            repo = hub.repos.get((kind, m.group(2)))
            if repo is None:
                self._error(404, "RepoNotFound", "Repository not found", head_only)
                return
            if repo.gated and not self._authorised():
                status = 403 if self.headers.get("Authorization") else 401
                message = f"Access to model {repo.repo_id} is restricted"
                self._error(status, "GatedRepo", message, head_only)
                return
            sha = repo.resolve(m.group(3))
            if sha is None:
                self._error(404, "RevisionNotFound", "Invalid rev id", head_only)
                return
            content = repo.commits[sha].get(m.group(4))
            if content is None:
                self._error(404, "EntryNotFound", "Entry not found", head_only, sha)
                return
            headers = {
                "X-Repo-Commit": sha,
                "ETag": f'"{content.digest()}"',
                "Accept-Ranges": "bytes",
                "Content-Type": "application/octet-stream",
            }
            start, end, status = 0, content.size, 200
            wanted = self.headers.get("Range")
            if wanted and (r := _RANGE.match(wanted.strip())):
                start = int(r.group(1))
                end = min(int(r.group(2)) + 1, content.size) if r.group(2) else content.size
                if start >= content.size:
                    headers["Content-Range"] = f"bytes */{content.size}"
                    self._send(416, b"", headers, head_only)
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end - 1}/{content.size}"
            body = b"" if head_only else content.read(start, end)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(end - start))
            self.end_headers()
            if head_only:
                return
            if fault is not None and fault.truncate_at is not None:
                body = body[: fault.truncate_at]
                self._write(body)
                self.close_connection = True
                return
            self._write(body)

        def _authorised(self) -> bool:
            return hub.token is not None and self.headers.get("Authorization") == (
                f"Bearer {hub.token}"
            )

        def _error(
            self, status: int, code: str, message: str, head_only: bool, sha: str | None = None
        ) -> None:
            headers = {"X-Error-Code": code, "X-Error-Message": message}
            if sha:
                headers["X-Repo-Commit"] = sha
            body = json.dumps({"error": message}).encode()
            self._send(status, body, headers, head_only)

        def _send(self, status: int, body: bytes, headers: dict[str, str], head_only: bool) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head_only:
                self._write(body)

        def _write(self, body: bytes) -> None:
            with hub._lock:
                hub.body_bytes += len(body)
            try:
                self.wfile.write(body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler
