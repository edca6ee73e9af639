"""Ecosystem metrics, checked against numbers this test computes itself, on both backends."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from openness.observatory.metrics import compute, hhi, top_k_share
from openness.observatory.metrics_render import render
from openness.observatory.store import open_store
from openness.observatory.tables import MOF_CLASSES, OSAID_RESULTS, assessments

FAMILIES = {  # family -> (category, commercial use)
    "apache": ("open-source", "yes"),
    "llama": ("restricted", "conditional"),
    "cc-by-nc": ("noncommercial", "no"),
    "none": ("none", "no"),
}
RULES = [f"OPN-OWS-00{n}" for n in range(1, 7)]


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        family = rng.choice(list(FAMILIES))
        category, commercial = FAMILIES[family]
        claims = rng.random() < 0.3
        author = rng.choices(["big", "mid", "a", "b", "c", None], [40, 20, 5, 5, 5, 5])[0]
        model = f"{author}/m{i}" if author else f"/local/m{i}"
        month = f"2025-{rng.randint(1, 4):02d}"
        base = f"big/m{rng.randrange(i)}" if i > 5 and rng.random() < 0.4 else None
        washing = claims and category != "open-source"
        rules: str | None = None
        if rng.random() < 0.5:  # rated against the frameworks: openwashing from its findings
            found = sorted(rng.sample(RULES, rng.choice([0, 0, 0, 1, 2])))
            rules, washing = ",".join(found), bool(found)
            claims = claims or washing
        rows.append(
            {
                "model": model,
                "revision": f"r{i}",
                "author": author,
                "created_month": month,
                "downloads": None,
                "license_id": family,
                "license_family": family,
                "license_category": category,
                "commercial_use": commercial,
                "claims_open": claims,
                "openwashing": washing,
                "base_model": base,
                "open_code": rng.choice(["open", "partial", "closed", "unknown"]),
                "open_license": "open" if category == "open-source" else "closed",
                "inputs_transparency": "partial",
                "threats_transparency": "unknown",
                "open_standards": "open",
                "kind": "folder",
                "target": model,
                "assessed_at": datetime(2025, 1, 1, tzinfo=UTC),
                "tool_version": "0",
                "parameters": None,
                "architecture": None,
                "max_severity": None,
                "findings": 0,
                "complete": True,
                "document": {"schema": "openness.assessment/1"},
                "mof_class": rng.choice(list(MOF_CLASSES)),
                "osaid": rng.choice(list(OSAID_RESULTS)),
                "openwashing_rules": rules,
            }
        )
    return rows


def test_hhi_and_top_k_share_by_hand() -> None:
    assert hhi([50, 50]) == pytest.approx(0.5)
    assert hhi([100]) == 1.0 and hhi([]) == 0.0
    assert hhi([60, 30, 10]) == pytest.approx(0.36 + 0.09 + 0.01)
    assert top_k_share([10, 60, 30], 1) == pytest.approx(0.6)
    assert top_k_share([10, 60, 30], 2) == pytest.approx(0.9)


def test_metrics_match_an_independent_count(db_url: str) -> None:
    rows = _rows(300, seed=7)
    engine = open_store(db_url)
    with engine.begin() as conn:
        conn.execute(sa.insert(assessments), rows)
    m = compute(engine, "assessments", ks=(1, 2))
    assert m.releases == 300

    levels = dict(m.levels)
    assert dict(levels["open_code"]) == dict(Counter(r["open_code"] for r in rows))
    assert dict(m.license_families) == dict(Counter(r["license_family"] for r in rows))
    assert dict(m.commercial_use) == dict(Counter(r["commercial_use"] for r in rows))

    claims = [r for r in rows if r["claims_open"]]
    washing = [r for r in claims if r["openwashing"]]
    assert (m.claims_open, m.openwashing) == (len(claims), len(washing))
    assert m.openwashing_rate == pytest.approx(len(washing) / len(claims))
    rated = [r for r in rows if r["openwashing_rules"] is not None]
    assert m.openwashing_by_findings == len(rated)
    per_rule = Counter(rule for r in rated for rule in r["openwashing_rules"].split(",") if rule)
    assert dict(m.openwashing_rules) == dict(per_rule) and len(per_rule) > 3
    mof = Counter(r["mof_class"] for r in rows)
    assert m.mof_classes == tuple((c, mof[c]) for c in MOF_CLASSES if mof[c])  # most open first
    assert dict(m.osaid) == dict(Counter(r["osaid"] for r in rows))

    held = Counter(r["author"] for r in rows if r["author"])
    total = sum(held.values())
    expected_hhi = sum((v / total) ** 2 for v in held.values())
    releases = m.concentration[0]
    assert releases.organisations == len(held) and releases.total == total
    assert releases.hhi == pytest.approx(expected_hhi)
    biggest = sorted(held.values(), reverse=True)
    assert dict(releases.top_k_share)[1] == pytest.approx(biggest[0] / total)
    assert dict(releases.top_k_share)[2] == pytest.approx((biggest[0] + biggest[1]) / total)
    assert releases.top[0] == ("big", held["big"])

    months = Counter(r["created_month"] for r in rows)
    assert [(mo, n) for mo, n, _, _ in m.months] == sorted(months.items())

    by_model = {r["model"]: r for r in rows}
    children = [r for r in rows if r["base_model"] in by_model]
    changed = [
        r for r in children if by_model[r["base_model"]]["license_family"] != r["license_family"]
    ]
    assert (m.drift.derivatives, m.drift.changed) == (len(children), len(changed))
    assert sum(n for _, _, n in m.drift.pairs) == len(changed)

    for fmt in ("terminal", "markdown"):
        text = render(m, fmt)
        assert f"HHI {expected_hhi:.4f}" in text
        assert re.search(rf"MOF class \W*Class II \(open tooling\)\W+{mof['II']}\b", text)
        assert f"findings (OPN-OWS-*) for {len(rated)} releases" in text
    data = json.loads(render(m, "json"))
    assert data["concentration"][0]["hhi"] == pytest.approx(expected_hhi)
    assert data["mof_classes"] == [[c, mof[c]] for c in MOF_CLASSES if mof[c]]
    assert data["openwashing_by_findings"] == len(rated)
    assert dict(map(tuple, data["openwashing_rules"])) == dict(per_rule)


def test_only_the_latest_revision_of_a_model_counts(tmp_path: Any) -> None:
    rows = _rows(2, seed=1)
    rows[1].update(model=rows[0]["model"], author=rows[0]["author"], license_family="zzz")
    engine = open_store(str(tmp_path / "obs.db"))
    with engine.begin() as conn:
        conn.execute(sa.insert(assessments), rows)
    m = compute(engine)
    assert m.releases == 1 and dict(m.license_families) == {"zzz": 1}


def test_a_hub_snapshot_has_no_framework_classes(tmp_path: Any) -> None:
    from openness.observatory.tables import hub_models, snapshots

    row = _rows(1, seed=3)[0]
    release = {c.name: row[c.name] for c in hub_models.c if c.name in row}
    flags = ("card", "weights", "safe_weights", "pickle_weights", "datasets_named")
    engine = open_store(str(tmp_path / "obs.db"))
    with engine.begin() as conn:
        conn.execute(
            sa.insert(snapshots),
            {
                "id": 1,
                "source": "s.parquet",
                "digest": "0" * 64,
                "ingested_at": datetime(2025, 1, 1, tzinfo=UTC),
                "rows": 1,
                "complete": True,
            },
        )
        conn.execute(
            sa.insert(hub_models), {**release, "snapshot_id": 1, **dict.fromkeys(flags, False)}
        )
    m = compute(engine, "hub")
    assert m.releases == 1
    assert (m.mof_classes, m.osaid, m.openwashing_by_findings) == ((), (), 0)
    assert "Not rated: framework classes need full assessments" in render(m, "terminal")
