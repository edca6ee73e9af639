"""`openness observe run --hub-query`: the Hub's model search, paged by its `Link` header, against
the fake Hub on 127.0.0.1; the listing pinned, saved beside the store and resumed."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from openness.observatory.batch import fingerprint
from openness.observatory.hub_targets import expansion_path
from openness.sources.hub_client import HubError
from openness.sources.hub_search import QueryError, parse_query, search_models
from tests.hub.conftest import TOKEN, run_openness
from tests.hub.fake_hub import FakeHub, Fault, Repo
from tests.hub.test_hub_release import small_model

SHA = re.compile(r"^[0-9a-f]{40}$")


def add_models(hub: FakeHub, count: int, author: str = "acme") -> dict[str, str]:
    """`count` small models whose downloads rank them m0 (most) to m{count-1}; id -> commit."""
    commits = {}
    for i in range(count):
        repo = Repo(f"{author}/m{i}", extra_info={"downloads": 1000 - i, "tags": ["safetensors"]})
        commits[repo.repo_id] = hub.add_repo(repo).add_commit(small_model(card=_card(i)))
    return commits


def _card(i: int) -> str:
    return f"---\nlicense: apache-2.0\n---\n# model {i}\n"


def search_calls(hub: FakeHub) -> int:
    return sum(1 for _, path, _ in hub.requests if path == "/api/models")


def stored(db: Path) -> dict[str, str]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT model, revision FROM assessments")).all()
    engine.dispose()
    return {model: revision for model, revision in rows}


# ---------------------------------------------------------------- the query


def test_a_query_string_becomes_the_hubs_parameters() -> None:
    query = parse_query(
        "author=meta-llama&pipeline_tag=text-generation&sort=created_at&filter=gguf,en"
        "&library=transformers&search=llama&direction=-1"
    )
    assert query.params(50) == [
        ("search", "llama"),
        ("author", "meta-llama"),
        ("pipeline_tag", "text-generation"),
        ("sort", "createdAt"),
        ("direction", "-1"),
        ("filter", "gguf"),
        ("filter", "en"),
        ("filter", "transformers"),
        ("limit", "50"),
        ("expand", "sha"),
    ]
    assert parse_query("sort=downloads&author=a").canonical() == "author=a&sort=downloads"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("owner=acme", "unknown key 'owner'"),
        ("limit=5", "use --limit"),
        ("sort=stars", "sort='stars' is not one of"),
        ("direction=1", "descending order only"),
        ("author=a&author=b", "given twice"),
        ("author=../x", "not a Hub user"),
        ("search=a%0Ahf:evil/x", "needs a value"),
        ("search=", "needs a value"),
    ],
)
def test_a_query_that_cannot_be_sent_is_refused(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_query(text)


def test_pinned_hub_targets_are_fingerprinted_by_their_commit() -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert fingerprint(f"hf:acme/m@{sha}") == f"hub-commit:{sha}"
    assert fingerprint("hf:acme/m@main") is None
    assert fingerprint("hf:acme/m") is None


def test_the_listing_is_kept_beside_a_sqlite_store(tmp_path: Path) -> None:
    query = parse_query("author=acme")
    beside = expansion_path(str(tmp_path / "obs.db"), "https://huggingface.co", query, 10)
    assert beside.parent == tmp_path and beside.name.startswith("obs.db.hub-")
    other_limit = expansion_path(str(tmp_path / "obs.db"), "https://huggingface.co", query, 11)
    assert other_limit != beside
    url = expansion_path(f"sqlite:///{tmp_path / 'obs.db'}", "https://huggingface.co", query, 10)
    assert url == beside
    remote = expansion_path("postgresql://me@db/obs", "https://huggingface.co", query, 10)
    assert remote.parent == Path.cwd() and remote.name.startswith("openness-hub-")


# ---------------------------------------------------------------- the search


def test_search_follows_link_pages_in_the_hubs_order_and_pins_commits(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    commits = add_models(fake_hub, 8)
    add_models(fake_hub, 3, author="other")
    fake_hub.page_size = 3
    result = search_models(parse_query("author=acme&sort=downloads"), limit=7)
    assert [m.repo_id for m in result.models] == [f"acme/m{i}" for i in range(7)]
    assert all(m.sha == commits[m.repo_id] for m in result.models)
    assert result.models[0].target == f"hf:acme/m0@{commits['acme/m0']}"
    assert (result.pages, result.ignored) == (3, 0)
    assert search_calls(fake_hub) == 3  # stops once the limit is reached
    assert "expand=sha" in fake_hub.searches[0] and "limit=7" in fake_hub.searches[0]
    assert "cursor=" in fake_hub.searches[1] and "cursor=" not in fake_hub.searches[0]


def test_the_limit_is_honoured_without_asking_for_more_pages(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    add_models(fake_hub, 6)
    fake_hub.page_size = 4
    result = search_models(parse_query("author=acme"), limit=2)
    assert len(result.models) == 2 and search_calls(fake_hub) == 1
    with pytest.raises(QueryError, match="between 1 and 10,000"):
        search_models(parse_query("author=acme"), limit=0)
    with pytest.raises(QueryError, match="between 1 and 10,000"):
        search_models(parse_query("author=acme"), limit=10_001)


def test_rate_limited_pages_are_retried_after_the_wait_asked(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    add_models(fake_hub, 4)
    fake_hub.page_size = 2
    fake_hub.faults.append(Fault(r"^/api/models$", 429, 2, {"Retry-After": "0"}))
    result = search_models(parse_query("author=acme"), limit=4)
    assert len(result.models) == 4
    assert search_calls(fake_hub) == 4  # two 429s, then the two pages


def test_hostile_listing_entries_never_become_targets(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    add_models(fake_hub, 2)
    for bad in ("acme/x\nhf:evil/y", "acme/..", "acme/a b"):
        fake_hub.add_repo(Repo(bad, extra_info={"downloads": 5000})).add_commit(small_model())
    result = search_models(parse_query("author=acme&sort=downloads"), limit=10)
    assert [m.repo_id for m in result.models] == ["acme/m0", "acme/m1"]
    assert result.ignored == 3


def test_a_next_link_to_another_host_is_not_followed(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    add_models(fake_hub, 3)
    fake_hub.page_size = 1
    fake_hub.next_link_origin = "http://127.0.0.2:9"
    with pytest.raises(HubError, match="refusing to follow it"):
        search_models(parse_query("author=acme"), limit=3)
    assert search_calls(fake_hub) == 1


# ---------------------------------------------------------------- the command


def test_observe_run_over_a_hub_query_stores_each_and_resumes_the_same_list(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    commits = add_models(fake_hub, 5)
    fake_hub.page_size = 2
    db = tmp_path / "obs.db"
    query = "author=acme&sort=downloads"
    args = ("observe", "run", "--hub-query", query, "--limit", "4", "--db", str(db))
    fake_hub.faults.append(Fault(r"^/api/models/acme/m2(/|$)", 500, 99))  # one fails this time
    first = run_openness(hub_env, *args)
    assert first.returncode == 1, first.stderr
    assert "listed 4 models in 2 page(s)" in first.stdout
    assert "4 targets: 3 stored, 0 unchanged, 0 skipped (done before), 1 failed" in first.stdout
    saved = next(tmp_path.glob("obs.db.hub-*.targets")).read_text(encoding="utf-8")
    assert [line for line in saved.splitlines() if not line.startswith("#")] == [
        f"hf:acme/m{i}@{commits[f'acme/m{i}']}" for i in range(4)
    ]

    fake_hub.faults.clear()
    fake_hub.reset_counts()
    fake_hub.add_repo(Repo("acme/new", extra_info={"downloads": 9999})).add_commit(small_model())
    second = run_openness(hub_env, *args)  # the listing changed; the run resumes the saved one
    assert second.returncode == 0, second.stderr
    assert "resuming the saved Hub listing" in second.stdout
    assert "4 targets: 1 stored, 0 unchanged, 3 skipped" in second.stdout
    assert search_calls(fake_hub) == 0
    infos = {path for _, path, _ in fake_hub.requests if path.startswith("/api/models/")}
    assert infos == {f"/api/models/acme/m2/revision/{commits['acme/m2']}"}
    assert stored(db) == {f"acme/m{i}": commits[f"acme/m{i}"] for i in range(4)}

    third = run_openness(hub_env, *args)
    assert "4 targets: 0 stored, 0 unchanged, 4 skipped" in third.stdout  # nothing done twice

    moved = fake_hub.repos[("model", "acme/m1")].add_commit(small_model(card=_card(100)))
    refreshed = run_openness(hub_env, *args, "--refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "listed 4 models" in refreshed.stdout
    assert "4 targets: 2 stored, 0 unchanged, 2 skipped" in refreshed.stdout
    after = stored(db)
    assert len(after) == 5 and SHA.match(after["acme/new"])
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        revisions = conn.execute(
            sa.text("SELECT revision FROM assessments WHERE model = 'acme/m1'")
        ).scalars()
        assert set(revisions) == {commits["acme/m1"], moved}
    engine.dispose()


def test_an_unauthorised_search_is_a_clear_error_and_the_token_stays_hidden(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    fake_hub.faults.append(Fault(r"^/api/models$", 401, 9))
    env = dict(hub_env, HF_TOKEN=TOKEN)
    proc = run_openness(
        env, "observe", "run", "--hub-query", "author=acme", "--db", str(tmp_path / "obs.db")
    )
    assert proc.returncode == 2
    assert "HTTP 401" in proc.stderr and "HF_TOKEN" in proc.stderr
    assert "Traceback" not in proc.stderr and TOKEN not in proc.stdout + proc.stderr
    assert f"Bearer {TOKEN}" in fake_hub.auth_headers
    assert not list(tmp_path.glob("*.targets"))  # nothing listed, nothing saved


def test_a_search_that_stays_rate_limited_gives_up_with_advice(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    fake_hub.faults.append(Fault(r"^/api/models$", 429, 99, {"Retry-After": "0"}))
    proc = run_openness(
        hub_env, "observe", "run", "--hub-query", "author=acme", "--db", str(tmp_path / "o.db")
    )
    assert proc.returncode == 2 and "rate-limiting" in proc.stderr
    assert search_calls(fake_hub) == 3  # OPENNESS_HUB_RETRIES


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "exactly one"),
        (("t.txt", "--hub-query", "author=a"), "exactly one"),
        (("t.txt", "--limit", "3"), "go with --hub-query only"),
        (("--hub-query", "owner=a"), "unknown key 'owner'"),
        (("--hub-query", "author=a", "--limit", "0"), "between 1 and 10,000"),
    ],
)
def test_usage_errors_exit_2(
    args: tuple[str, ...], message: str, hub_env: dict[str, str], tmp_path: Path
) -> None:
    proc = run_openness(hub_env, "observe", "run", *args, "--db", str(tmp_path / "o.db"))
    assert proc.returncode == 2 and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o.db").exists()  # refused before the store was opened


def test_sigkill_mid_run_then_rerun_finishes_the_saved_listing(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    commits = add_models(fake_hub, 12)
    db = tmp_path / "obs.db"
    held, release = "/api/models/acme/m8/", threading.Event()
    # the run stalls on acme/m8 (one worker, in listing order) so the kill lands mid-run
    fake_hub.on_request = lambda path: release.wait(60) if path.startswith(held) else None
    args = ("observe", "run", "--hub-query", "author=acme&sort=downloads", "--limit", "12")
    proc = subprocess.Popen(
        [sys.executable, "-m", "openness", *args, "--db", str(db), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, PYTHONWARNINGS="ignore", **hub_env),
    )  # fmt: skip
    deadline = time.monotonic() + 240  # a guard against a hang, not a measurement
    while len(done_targets(db)) < 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    release.set()
    assert len(done_targets(db)) == 8

    fake_hub.on_request = None
    fake_hub.reset_counts()
    fake_hub.add_repo(Repo("acme/new", extra_info={"downloads": 9999})).add_commit(small_model())
    rerun = run_openness(hub_env, *args, "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    assert "12 targets: 4 stored, 0 unchanged, 8 skipped" in rerun.stdout
    assert search_calls(fake_hub) == 0  # the changed listing was not asked for again
    assert stored(db) == commits


def done_targets(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            rows = conn.execute("SELECT target FROM targets WHERE status = 'done'").fetchall()
    except sqlite3.OperationalError:  # the tables are not created yet
        return []
    return [target for (target,) in rows]
