"""Endpoints that start assessments: absent without a token; with one, token-protected,
CSRF-safe, limited in size and concurrency, and confined to Hub ids and the allowed folders."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openness.examples import example_path
from tests.hub.conftest import fake_hub, hub_env  # noqa: F401  (fixtures)
from tests.hub.fake_hub import FakeHub, Repo
from tests.hub.test_hub_release import small_model

TOKEN = "jobs-test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
POLL_LIMIT = 1200  # 0.1 s apart: a job that never ends fails the test instead of hanging it


@pytest.fixture
def allowed(tmp_path: Path) -> Path:
    """An allowed folder holding a copy of the built-in example release."""
    root = tmp_path / "allowed"
    root.mkdir()
    shutil.copytree(example_path(), root / "tiny")
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A release the server must never read: beside the allowed folder, not in it."""
    secret = tmp_path / "secret"
    shutil.copytree(example_path(), secret)
    return secret


@pytest.fixture
def make_client(tmp_path: Path, allowed: Path) -> Iterator[Callable[..., Any]]:
    from fastapi.testclient import TestClient

    from openness.observatory.store import open_store
    from openness.observatory.web.app import create_app
    from openness.observatory.web.job_board import JobLimits
    from openness.observatory.web.job_targets import TargetPolicy
    from openness.observatory.web.jobs import JobsConfig

    clients: list[Any] = []

    def make(*, token: str | None = TOKEN, hub: bool = True, **limits: int) -> Any:
        engine = open_store(str(tmp_path / f"store{len(clients)}.db"))
        config = None
        if token is not None:
            policy = TargetPolicy.of([str(allowed)], hub=hub)
            config = JobsConfig(token, policy, JobLimits(**limits))
        client = TestClient(create_app(engine, config))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def start(client: Any, targets: list[str], **headers: str) -> Any:
    return client.post("/api/assessments", json={"targets": targets}, headers={**AUTH, **headers})


def wait_for(client: Any, job_id: str) -> dict[str, Any]:
    for _ in range(POLL_LIMIT):
        view: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=AUTH).json()
        if view["status"] in ("finished", "failed"):
            return view
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_without_a_token_the_endpoints_do_not_exist(make_client: Callable[..., Any]) -> None:
    client = make_client(token=None)
    assert client.post("/api/assessments", json={"targets": []}, headers=AUTH).status_code == 404
    assert client.get("/api/jobs/abc", headers=AUTH).status_code == 404
    spec = client.get("/openapi.json").json()
    assert "/api/assessments" not in spec["paths"]
    assert {m for ops in spec["paths"].values() for m in ops} == {"get"}


def test_with_a_token_the_spec_documents_the_job_api(make_client: Callable[..., Any]) -> None:
    spec = make_client().get("/openapi.json").json()
    post = spec["paths"]["/api/assessments"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json"}
    assert {"202", "401", "403", "413", "415", "429"} <= set(post["responses"])
    assert "/api/jobs/{id}" in spec["paths"]
    assert any(s["scheme"] == "bearer" for s in spec["components"]["securitySchemes"].values())
    assert TOKEN not in json.dumps(spec)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789abcdef"}, {"Authorization": TOKEN}],
    ids=["none", "wrong", "no-scheme"],
)
def test_a_missing_or_wrong_token_is_401(
    make_client: Callable[..., Any], allowed: Path, headers: dict[str, str]
) -> None:
    client = make_client()
    body = {"targets": [str(allowed / "tiny")]}
    response = client.post("/api/assessments", json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/jobs/abc", headers=headers).status_code == 401
    assert client.get("/api/health").json()["assessments"] == 0


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", None],
)
def test_bodies_a_cross_site_form_could_send_are_415(
    make_client: Callable[..., Any], allowed: Path, content_type: str | None
) -> None:
    headers = dict(AUTH)
    if content_type is not None:
        headers["Content-Type"] = content_type
    body = json.dumps({"targets": [str(allowed / "tiny")]})
    response = make_client().post("/api/assessments", content=body, headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_requests_from_another_origin_are_403(
    make_client: Callable[..., Any], allowed: Path, headers: dict[str, str]
) -> None:
    client = make_client()
    response = start(client, [str(allowed / "tiny")], **headers)
    assert response.status_code == 403
    assert client.get("/api/jobs/abc", headers={**AUTH, **headers}).status_code == 403


def test_the_servers_own_origin_is_accepted(make_client: Callable[..., Any], allowed: Path) -> None:
    client = make_client()
    for own in ({"Origin": "http://testserver"}, {"Origin": "http://testserver:80"}):
        response = start(client, ["/nowhere"], **own, **{"Sec-Fetch-Site": "same-origin"})
        assert response.status_code == 400  # past the guards, refused for its target


def test_a_job_assesses_an_allowed_release_into_the_store(
    make_client: Callable[..., Any], allowed: Path
) -> None:
    client = make_client()
    given = str(allowed / "tiny")
    response = start(client, [given, given])  # a duplicate is run once
    assert response.status_code == 202
    job = response.json()
    assert response.headers["location"] == f"/api/jobs/{job['id']}"
    assert job["total"] == 1 and job["targets"][0]["target"] == given

    view = wait_for(client, job["id"])
    assert view["status"] == "finished" and view["error"] is None
    assert (view["completed"], view["stored"], view["failed"]) == (1, 1, 0)
    (result,) = view["targets"]
    assert result["status"] == "done" and result["revision"].startswith("sha256:")
    listed = client.get("/api/models").json()["items"]
    assert [(r["model"], r["revision"]) for r in listed] == [(result["model"], result["revision"])]
    assert result["model"] == str((allowed / "tiny").resolve())

    again = wait_for(client, start(client, [given]).json()["id"])
    assert (again["skipped"], again["stored"]) == (1, 0)
    assert again["targets"][0]["revision"] == result["revision"]
    assert client.get("/api/health").json()["assessments"] == 1


def test_a_target_that_fails_is_reported_with_its_error(
    make_client: Callable[..., Any], allowed: Path
) -> None:
    (allowed / "broken.zip").write_bytes(b"PK\x03\x04garbage")
    client = make_client()
    view = wait_for(client, start(client, [str(allowed / "broken.zip")]).json()["id"])
    assert (view["status"], view["failed"], view["stored"]) == ("finished", 1, 0)
    (result,) = view["targets"]
    assert result["status"] == "failed" and result["model"] is None
    assert "not a readable zip archive" in result["error"]


def refused_targets(allowed: Path, outside: Path) -> dict[str, str]:
    (allowed / "link-out").symlink_to(outside, target_is_directory=True)
    (allowed / "inner").mkdir()
    (allowed / "inner" / "up").symlink_to(allowed.parent, target_is_directory=True)
    manifest = allowed / "m.openness.yaml"
    manifest.write_text(f"model: {outside}\n", encoding="utf-8")
    return {
        "absolute outside": str(outside),
        "dot-dot": f"{allowed}/../{outside.name}",
        "dot-dot inside": f"{allowed}/tiny/../../{outside.name}",
        "symlink out": str(allowed / "link-out"),
        "symlink up then down": str(allowed / "inner" / "up" / outside.name),
        "relative": "tiny",
        "bare hub-like id": "acme/tiny",
        "home": "~/secret",
        "manifest": str(manifest),
        "missing inside": str(allowed / "nope"),
        "system file": "/etc/passwd",
        "nul byte": f"{allowed}/tiny\x00",
        "bad hub id": "hf:../../etc",
        "bad hub revision": "hf:acme/tiny@../main",
    }


def test_targets_outside_the_allowed_folders_are_refused(
    make_client: Callable[..., Any], allowed: Path, outside: Path
) -> None:
    client = make_client()
    for name, target in refused_targets(allowed, outside).items():
        response = start(client, [str(allowed / "tiny"), target])
        assert response.status_code == 400, name
        assert "detail" in response.json(), name
    assert client.get("/api/health").json()["assessments"] == 0


def test_the_refusal_does_not_say_whether_an_outside_path_exists(
    make_client: Callable[..., Any], outside: Path
) -> None:
    client = make_client()
    there = start(client, [str(outside)]).json()["detail"]
    missing = start(client, [str(outside.parent / "missing")]).json()["detail"]
    assert there.endswith("not inside a folder this server allows")
    assert missing.endswith("not inside a folder this server allows")


def test_hub_targets_can_be_turned_off(make_client: Callable[..., Any]) -> None:
    response = start(make_client(hub=False), ["hf:acme/tiny"])
    assert response.status_code == 400
    assert "does not assess Hub targets" in response.json()["detail"]


@pytest.mark.parametrize(
    "body, status",
    [
        (b"{", 422),
        (b'{"targets": []}', 422),
        (b'{"targets": "hf:acme/tiny"}', 422),
        (b'{"targets": ["hf:a/b"], "extra": 1}', 422),
        (b'{"targets": ["hf:a/b", "hf:a/c", "hf:a/d"]}', 422),
        (b'{"targets": ["' + b"x" * 5000 + b'"]}', 413),
    ],
    ids=["invalid-json", "empty", "not-a-list", "extra-key", "too-many", "too-large"],
)
def test_bodies_are_bounded_and_checked(
    make_client: Callable[..., Any], body: bytes, status: int
) -> None:
    client = make_client(targets=2, body_bytes=4096)
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/api/assessments", content=body, headers=headers)
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


def test_a_streamed_body_over_the_cap_is_refused(make_client: Callable[..., Any]) -> None:
    client = make_client(body_bytes=1024)
    headers = {**AUTH, "Content-Type": "application/json"}
    chunks = iter([b'{"targets": ["', b"y" * 2048, b'"]}'])  # no Content-Length: chunked
    response = client.post("/api/assessments", content=chunks, headers=headers)
    assert response.status_code == 413


def test_a_busy_server_answers_429_until_a_job_ends(
    make_client: Callable[..., Any], allowed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openness.observatory.web import job_board

    release = threading.Event()
    real_run_batch = job_board.run_batch

    def held_run_batch(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=120)
        return real_run_batch(*args, **kwargs)

    monkeypatch.setattr(job_board, "run_batch", held_run_batch)
    client = make_client(running_jobs=1)
    first = start(client, [str(allowed / "tiny")])
    assert first.status_code == 202
    busy = start(client, [str(allowed / "tiny")])
    assert busy.status_code == 429 and busy.headers["retry-after"].isdigit()
    release.set()
    assert wait_for(client, first.json()["id"])["status"] == "finished"
    assert start(client, [str(allowed / "tiny")]).status_code == 202


def test_a_job_whose_batch_breaks_says_so_and_frees_its_slot(
    make_client: Callable[..., Any], allowed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openness.observatory.web import job_board

    def broken_run_batch(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the store went away")

    monkeypatch.setattr(job_board, "run_batch", broken_run_batch)
    client = make_client(running_jobs=1)
    view = wait_for(client, start(client, [str(allowed / "tiny")]).json()["id"])
    assert view["status"] == "failed"
    assert view["error"] == "RuntimeError: the store went away"
    assert view["targets"][0]["status"] == "failed"
    assert start(client, [str(allowed / "tiny")]).status_code == 202


def test_an_unknown_job_is_404(make_client: Callable[..., Any]) -> None:
    client = make_client()
    assert client.get("/api/jobs/no-such-job", headers=AUTH).status_code == 404
    assert client.get("/api/jobs/bad..id", headers=AUTH).status_code == 422


def test_finished_jobs_are_forgotten_beyond_the_limit(
    make_client: Callable[..., Any], allowed: Path
) -> None:
    client = make_client(kept_jobs=1)
    first = wait_for(client, start(client, [str(allowed / "tiny")]).json()["id"])
    second = wait_for(client, start(client, [str(allowed / "tiny")]).json()["id"])
    third = start(client, [str(allowed / "tiny")]).json()["id"]
    assert client.get(f"/api/jobs/{first['id']}", headers=AUTH).status_code == 404
    assert client.get(f"/api/jobs/{third}", headers=AUTH).status_code == 200
    assert second["status"] == "finished"
    wait_for(client, third)


def test_a_hub_target_is_assessed_from_the_hub(
    make_client: Callable[..., Any],
    fake_hub: FakeHub,  # noqa: F811
    hub_env: dict[str, str],  # noqa: F811
) -> None:
    commit = fake_hub.add_repo(Repo("acme/tiny")).add_commit(small_model())
    client = make_client()
    view = wait_for(client, start(client, ["hf:acme/tiny"]).json()["id"])
    (result,) = view["targets"]
    assert result == {
        "target": "hf:acme/tiny",
        "status": "done",
        "model": "acme/tiny",
        "revision": commit,
        "error": None,
    }


def test_a_short_token_is_refused_and_never_shown() -> None:
    from openness.errors import OpennessError
    from openness.observatory.web.jobs import JobsConfig

    with pytest.raises(OpennessError) as caught:
        JobsConfig("short-secret")
    assert "short-secret" not in str(caught.value)
    assert TOKEN not in repr(JobsConfig(TOKEN))


def run_cli(*args: str) -> tuple[int, str]:
    import contextlib
    import io

    from openness.cli.main import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


def test_serve_usage_errors_exit_2_without_showing_the_token(
    tmp_path: Path, allowed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENNESS_SERVE_TOKEN", raising=False)
    db = str(tmp_path / "s.db")
    code, err = run_cli("serve", "--db", db, "--allow-root", str(allowed))
    assert code == 2 and "need a token" in err
    short = tmp_path / "short.txt"
    short.write_text("tiny-secret\n", encoding="utf-8")
    code, err = run_cli("serve", "--db", db, "--token-file", str(short))
    assert code == 2 and "at least 16" in err and "tiny-secret" not in err
    good = tmp_path / "token.txt"
    good.write_text(TOKEN + "\n", encoding="utf-8")
    code, err = run_cli("serve", "--db", db, "--token-file", str(good), "--allow-root", "/nope")
    assert code == 2 and "--allow-root /nope" in err and TOKEN not in err
    code, err = run_cli("serve", "--db", db, "--token-file", str(tmp_path / "absent"))
    assert code == 2 and "cannot read --token-file" in err


def test_serve_reads_the_token_from_a_file_or_the_environment(
    tmp_path: Path, allowed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from openness.cli.serve import add_parser, jobs_config

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    monkeypatch.delenv("OPENNESS_SERVE_TOKEN", raising=False)
    assert jobs_config(parser.parse_args(["serve"])) is None
    monkeypatch.setenv("OPENNESS_SERVE_TOKEN", TOKEN)
    from_env = jobs_config(parser.parse_args(["serve", "--no-hub", "--max-jobs", "3"]))
    assert from_env.token == TOKEN and not from_env.policy.hub
    assert from_env.limits.running_jobs == 3 and from_env.policy.allow_roots == ()
    token_file = tmp_path / "token.txt"
    token_file.write_text("file-token-0123456789abcdef\n", encoding="utf-8")
    argv = ["serve", "--token-file", str(token_file), "--allow-root", str(allowed)]
    from_file = jobs_config(parser.parse_args(argv))
    assert from_file.token == "file-token-0123456789abcdef"
    assert from_file.policy.allow_roots == (allowed.resolve(),) and from_file.policy.hub
