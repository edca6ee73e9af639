"""What a person sees when the Hub says no, slows down, cuts off or is not there: `openness assess
hf:...` in a subprocess against the fake Hub, exit 2 with a message to act on, never a traceback,
and the token never anywhere."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hub.conftest import TOKEN, run_openness
from tests.hub.fake_hub import Content, FakeHub, Fault, Repo
from tests.hub.test_hub_release import small_model


def gated_repo(hub: FakeHub) -> str:
    repo = hub.add_repo(Repo("acme/gated", gated="manual"))
    repo.add_commit(small_model())
    return "hf:acme/gated"


def all_text_under(folder: Path) -> str:
    return "".join(p.read_bytes().decode("latin-1") for p in folder.rglob("*") if p.is_file())


def test_gated_without_a_token_says_where_to_ask(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    proc = run_openness(hub_env, "assess", gated_repo(fake_hub))
    assert proc.returncode == 2
    assert "gated" in proc.stderr and f"{fake_hub.endpoint}/acme/gated" in proc.stderr
    assert "HF_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


def test_gated_with_a_token_without_access(fake_hub: FakeHub, hub_env: dict[str, str]) -> None:
    wrong = "hf_WRONGtokenAlsoSecret987654321"
    proc = run_openness(dict(hub_env, HF_TOKEN=wrong), "assess", gated_repo(fake_hub))
    assert proc.returncode == 2
    assert "not been granted access" in proc.stderr and "Traceback" not in proc.stderr
    assert wrong not in proc.stderr + proc.stdout


def test_the_token_opens_a_gated_repo_and_is_never_written(
    fake_hub: FakeHub, hub_env: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    env = dict(hub_env, HF_TOKEN=TOKEN)
    proc = run_openness(env, "assess", gated_repo(fake_hub), "-f", "json", "-o", str(report))
    assert proc.returncode == 0, proc.stderr
    assert f"Bearer {TOKEN}" in fake_hub.auth_headers  # it was sent...
    assert TOKEN not in proc.stdout + proc.stderr + report.read_text()  # ...and never shown
    assert TOKEN not in all_text_under(Path(hub_env["HF_HOME"]))
    assert json.loads(report.read_text())["origin"]["kind"] == "hub"


def test_unknown_repo_and_revision(fake_hub: FakeHub, hub_env: dict[str, str]) -> None:
    proc = run_openness(hub_env, "assess", "hf:acme/nothing-here")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "acme/nothing-here was not found on the Hub" in proc.stderr
    fake_hub.add_repo(Repo("acme/real")).add_commit(small_model())
    proc = run_openness(hub_env, "assess", "hf:acme/real", "--revision", "v9")
    assert proc.returncode == 2 and "revision 'v9' does not exist in acme/real" in proc.stderr


def test_rate_limit_is_waited_out(fake_hub: FakeHub, hub_env: dict[str, str]) -> None:
    fake_hub.add_repo(Repo("acme/busy")).add_commit(small_model())
    fake_hub.faults.append(Fault(r"^/api/models/acme/busy", 429, 2, {"Retry-After": "0"}))
    proc = run_openness(hub_env, "assess", "hf:acme/busy", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    info_calls = [r for r in fake_hub.requests if r[1] == "/api/models/acme/busy"]
    assert len(info_calls) == 3  # two 429s, then the answer


def test_rate_limit_that_never_ends(fake_hub: FakeHub, hub_env: dict[str, str]) -> None:
    fake_hub.add_repo(Repo("acme/busy")).add_commit(small_model())
    fake_hub.faults.append(Fault(r"^/api/models/acme/busy", 429, 99, {"Retry-After": "0"}))
    proc = run_openness(hub_env, "assess", "hf:acme/busy")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "rate-limiting" in proc.stderr and "HTTP 429" in proc.stderr


def test_a_response_cut_off_mid_header(fake_hub: FakeHub, hub_env: dict[str, str]) -> None:
    fake_hub.add_repo(Repo("acme/cut")).add_commit(small_model())
    fake_hub.faults.append(Fault(r"model\.safetensors$", 0, 99, truncate_at=20))
    proc = run_openness(hub_env, "assess", "hf:acme/cut")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cut off" in proc.stderr and "model.safetensors" in proc.stderr


def test_a_cut_that_heals_on_retry(fake_hub: FakeHub, hub_env: dict[str, str]) -> None:
    fake_hub.add_repo(Repo("acme/cut")).add_commit(small_model())
    fake_hub.faults.append(Fault(r"model\.safetensors$", 0, 1, truncate_at=20))
    proc = run_openness(hub_env, "assess", "hf:acme/cut", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["complete"] is True


def test_offline_from_the_cache_and_what_is_missing(
    fake_hub: FakeHub, hub_env: dict[str, str]
) -> None:
    extra = {"tokenizer.json": Content.of(b'{"model": {"vocab": {}}}')}
    fake_hub.add_repo(Repo("acme/cached")).add_commit(small_model(extra))
    online = run_openness(hub_env, "assess", "hf:acme/cached", "-f", "json")
    assert online.returncode == 0, online.stderr
    offline_env = dict(hub_env, HF_HUB_OFFLINE="1")
    served = len(fake_hub.requests)
    offline = run_openness(offline_env, "assess", "hf:acme/cached", "-f", "json")
    assert offline.returncode == 0, offline.stderr
    assert len(fake_hub.requests) == served  # not one request
    strip = ("origin", "evidence", "tool_version")
    a, b = json.loads(online.stdout), json.loads(offline.stdout)
    assert {k: v for k, v in a.items() if k not in strip} == {
        k: v for k, v in b.items() if k not in strip
    }

    blobs = Path(hub_env["HF_HOME"]) / "hub" / "models--acme--cached" / "blobs"
    for blob in blobs.iterdir():
        if blob.read_bytes() == extra["tokenizer.json"].head:
            blob.unlink()
    partial = json.loads(run_openness(offline_env, "assess", "hf:acme/cached", "-f", "json").stdout)
    assert partial["complete"] is False
    assert any(
        "tokenizer.json" in gap and "not in the Hub cache" in gap for gap in partial["incomplete"]
    )

    never = run_openness(offline_env, "assess", "hf:acme/never-seen")
    assert never.returncode == 2 and "offline (HF_HUB_OFFLINE=1)" in never.stderr
    assert "no cached revision 'main' of acme/never-seen" in never.stderr


def test_help_stays_light_and_mentions_the_hub(hub_env: dict[str, str]) -> None:
    proc = run_openness(hub_env, "assess", "--help")
    assert proc.returncode == 0 and "hf:ORG/NAME" in proc.stdout and "--deep" in proc.stdout
