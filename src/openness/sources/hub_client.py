"""The Hub seen through the real `huggingface_hub` client: JSON info, small downloads, byte ranges.

Every call goes through one retry loop (429 with `Retry-After`, 5xx, timeouts, cut-off bodies)
with exponential backoff and jitter, and every failure that is not about one file becomes a
`HubError` with a message a person can act on. The token is read by the library from `HF_TOKEN`
(or its login file); it is never put in a message, a log line or a report.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from ..errors import TargetError

T = TypeVar("T")

DEFAULT_ENDPOINT = "https://huggingface.co"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


#: huggingface_hub's own retries off: `HubClient.retrying` retries with its policy and messages
SINGLE_TRY: dict[str, Any] = {
    "max_retries": 0,
    "retry_on_status_codes": (),
    "retry_on_exceptions": (),
}


class HubError(TargetError):
    """The Hub could not be asked (not found, gated, rate-limited, unreachable, cut off)."""


class OfflineMiss(OSError):
    """Offline mode and the cache does not hold what was asked for."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a server's `Retry-After` is honoured up to `max_wait`."""

    attempts: int = 5
    base_wait: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(
            attempts=max(1, _env_int("OPENNESS_HUB_RETRIES", 5)),
            base_wait=_env_float("OPENNESS_HUB_BACKOFF", 1.0),
        )

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try `attempt + 1` (attempt counts from 0)."""
        if retry_after is not None:
            return min(retry_after, self.max_wait) + self.jitter() * self.base_wait
        backoff = min(self.max_wait, self.base_wait * 2.0**attempt)
        return float(backoff / 2 + self.jitter() * backoff / 2)


@dataclass
class Traffic:
    """Requests made and body bytes received, for the report's note and the benchmark."""

    requests: int = 0
    bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, requests: int, nbytes: int) -> None:
        with self._lock:
            self.requests += requests
            self.bytes += nbytes


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class HubClient:
    """One Hub endpoint, read at construction from `HF_ENDPOINT`; caches under `HF_HOME`."""

    def __init__(self, endpoint: str | None = None, policy: RetryPolicy | None = None):
        try:
            import huggingface_hub
            from huggingface_hub.utils import disable_progress_bars
        except ImportError:
            raise HubError(
                "assessing a Hub model needs huggingface_hub: pip install 'openness[hub]'"
            ) from None

        disable_progress_bars()
        # the library's retry chatter; our own messages say what matters
        logging.getLogger("huggingface_hub").setLevel(logging.ERROR)
        self.endpoint = (
            endpoint or os.environ.get("HF_ENDPOINT") or huggingface_hub.constants.ENDPOINT
        ).rstrip("/")
        self.offline = _truthy("HF_HUB_OFFLINE") or _truthy("TRANSFORMERS_OFFLINE")
        home = os.environ.get("HF_HOME") or huggingface_hub.constants.HF_HOME
        self.hub_cache = Path(os.environ.get("HF_HUB_CACHE") or Path(home) / "hub")
        self.side_cache = Path(home) / "openness"
        self.policy = policy or RetryPolicy.from_env()
        self.timeout = _env_float("OPENNESS_HUB_TIMEOUT", 30.0)
        self.traffic = Traffic()

    @property
    def has_token(self) -> bool:
        from huggingface_hub import get_token

        return get_token() is not None

    def web_url(self, repo_id: str, kind: str = "model") -> str:
        return f"{self.endpoint}/{'datasets/' if kind == 'dataset' else ''}{repo_id}"

    # ------------------------------------------------------------------ requests

    def info(self, kind: str, repo_id: str, revision: str | None) -> dict[str, Any]:
        """The raw JSON of `/api/{models|datasets}/ID[/revision/R]` (files, card data, scan...)."""
        from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_backoff

        url = f"{self.endpoint}/api/{kind}s/{repo_id}"
        if revision is not None:
            url += f"/revision/{quote(revision, safe='')}"
        params = {"blobs": "true", "securityStatus": "true"} if kind == "model" else {}
        what = f"{'dataset ' if kind == 'dataset' else ''}{repo_id}"

        def call() -> dict[str, Any]:
            response = http_backoff(
                "GET",
                url,
                params=params,
                headers=build_hf_headers(),
                timeout=self.timeout,
                **SINGLE_TRY,
            )
            hf_raise_for_status(response)
            self.traffic.add(1, len(response.content))
            try:
                data = json.loads(response.content)
            except ValueError:
                raise _CutOff(f"the Hub's description of {what} is not complete JSON") from None
            if not isinstance(data, dict):
                raise _CutOff(f"the Hub's description of {what} is not a JSON object")
            return data

        return self.retrying(call, what=what, repo_id=repo_id, kind=kind, revision=revision)

    def download(self, repo_id: str, path: str, commit: str) -> str:
        """A small file fetched whole into the Hub cache (or found there); its local path."""
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import LocalEntryNotFoundError

        def call() -> str:
            local = hf_hub_download(
                repo_id,
                path,
                revision=commit,
                cache_dir=self.hub_cache,
                endpoint=self.endpoint,
                local_files_only=self.offline,
                etag_timeout=self.timeout,
            )
            return str(local)

        pointer = self.hub_cache / _repo_folder(repo_id) / "snapshots" / commit / path
        cached = pointer.exists()
        try:
            local = self.retrying(call, what=f"{repo_id}/{path}", repo_id=repo_id, path=path)
        except LocalEntryNotFoundError:
            raise OfflineMiss(
                f"offline (HF_HUB_OFFLINE=1): {path} at {commit[:12]} is not in the Hub cache "
                f"{self.hub_cache}"
            ) from None
        if not cached:
            self.traffic.add(2, os.path.getsize(local))  # HEAD for the metadata, then GET
        return local

    def read_range(self, repo_id: str, path: str, commit: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of a file, by an HTTP range request."""
        from huggingface_hub import hf_hub_url
        from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_stream_backoff

        if self.offline:
            raise OfflineMiss(
                f"offline (HF_HUB_OFFLINE=1): bytes {start:,}-{end - 1:,} of {path} are not in "
                "the cache; assess once online to keep them"
            )
        url = hf_hub_url(repo_id, path, revision=commit, endpoint=self.endpoint)
        headers = build_hf_headers()
        headers["Range"] = f"bytes={start}-{end - 1}"
        headers["Accept-Encoding"] = "identity"
        length = end - start

        def call() -> bytes:
            with http_stream_backoff(
                "GET",
                url,
                headers=headers,
                timeout=self.timeout,
                follow_redirects=True,
                **SINGLE_TRY,
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    hf_raise_for_status(response)
                if response.status_code == 200 and start > 0:
                    raise HubError(
                        f"{self.endpoint} ignores HTTP range requests; cannot read {path} "
                        "without downloading all of it"
                    )
                if response.status_code == 206:
                    expected = f"bytes {start}-"
                    if not response.headers.get("Content-Range", "").startswith(expected):
                        raise _CutOff(f"the Hub answered a different byte range for {path}")
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) >= length:
                        break
            self.traffic.add(1, len(data))
            if len(data) < length:
                raise _CutOff(
                    f"the Hub's answer for bytes {start:,}-{end - 1:,} of {path} was cut off "
                    f"after {len(data):,} of {length:,} bytes"
                )
            return bytes(data[:length])

        return self.retrying(call, what=f"{repo_id}/{path}", repo_id=repo_id, path=path)

    # ------------------------------------------------------------------ retries and errors

    def retrying(
        self,
        call: Callable[[], T],
        *,
        what: str,
        repo_id: str,
        kind: str = "model",
        revision: str | None = None,
        path: str | None = None,
    ) -> T:
        import httpx2
        from huggingface_hub.errors import (
            EntryNotFoundError,
            HfHubHTTPError,
            LocalEntryNotFoundError,
            OfflineModeIsEnabled,
        )

        last: BaseException | None = None
        for attempt in range(self.policy.attempts):
            retry_after: float | None = None
            try:
                return call()
            except (LocalEntryNotFoundError, EntryNotFoundError, OfflineModeIsEnabled):
                raise
            except HfHubHTTPError as exc:
                status = exc.response.status_code if exc.response is not None else None
                if status not in RETRY_STATUSES:
                    raise self._explain(exc, what, repo_id, kind, revision, path) from None
                retry_after = _retry_after(exc.response.headers)
                last = exc
            except (httpx2.TimeoutException, httpx2.TransportError, _CutOff) as exc:
                last = exc
            if attempt + 1 < self.policy.attempts:
                self.policy.sleep(self.policy.delay(attempt, retry_after))
        assert last is not None
        raise self._explain(last, what, repo_id, kind, revision, path) from None

    def _explain(
        self,
        exc: BaseException,
        what: str,
        repo_id: str,
        kind: str,
        revision: str | None,
        path: str | None,
    ) -> BaseException:
        import httpx2
        from huggingface_hub.errors import (
            GatedRepoError,
            HfHubHTTPError,
            RepositoryNotFoundError,
            RevisionNotFoundError,
        )

        tries = self.policy.attempts
        page = self.web_url(repo_id, kind)
        if isinstance(exc, GatedRepoError):
            who = (
                "the account of the token in HF_TOKEN has not been granted access"
                if self.has_token
                else "set HF_TOKEN to a token of an account that was granted access"
            )
            return HubError(f"hf:{repo_id} is gated: request access at {page}; {who}")
        if isinstance(exc, RepositoryNotFoundError):
            private = "" if self.has_token else ", or set HF_TOKEN if the repository is private"
            return HubError(
                f"{what} was not found on the Hub ({self.endpoint}): check the id{private}"
            )
        if isinstance(exc, RevisionNotFoundError):
            return HubError(f"revision {revision!r} does not exist in {repo_id} ({page})")
        if isinstance(exc, HfHubHTTPError):
            status = exc.response.status_code if exc.response is not None else 0
            if status == 429:
                return HubError(
                    f"the Hub is rate-limiting requests for {what} (HTTP 429) and still was after "
                    f"{tries} tries; wait a few minutes and try again, or set HF_TOKEN "
                    "(signed-in requests get higher limits)"
                )
            if status in (401, 403):
                return HubError(
                    f"the Hub refused access to {what} (HTTP {status}); check that HF_TOKEN "
                    f"holds a valid token with read access to {page}"
                )
            if status >= 500 or status == 408:
                return HubError(
                    f"the Hub failed to answer for {what} (HTTP {status}) after {tries} tries; "
                    "try again later"
                )
            return HubError(f"the Hub answered HTTP {status} for {what}")
        if isinstance(exc, httpx2.TimeoutException):
            return HubError(
                f"timed out after {self.timeout:g}s waiting for {self.endpoint} ({what}), "
                f"{tries} tries; check the network, or raise OPENNESS_HUB_TIMEOUT"
            )
        if isinstance(exc, _CutOff):
            return HubError(
                f"{exc} ({tries} tries); the connection dropped mid-answer: try again, or "
                "check a proxy between you and the Hub"
            )
        if isinstance(exc, httpx2.RemoteProtocolError):
            return HubError(
                f"the Hub's answer for {what} was cut off ({tries} tries); try again, or check "
                "a proxy between you and the Hub"
            )
        return HubError(
            f"cannot reach {self.endpoint} for {what} ({type(exc).__name__}); check the network, "
            "or set HF_HUB_OFFLINE=1 to assess from the cache"
        )


class _CutOff(Exception):
    """A response ended before its promised length, or is not what it claimed to be."""


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return None
    try:
        return max(0.0, float(str(value).strip()))
    except ValueError:
        return None


def _repo_folder(repo_id: str, kind: str = "model") -> str:
    return f"{kind}s--{repo_id.replace('/', '--')}"
