"""Metrics as text: terminal, markdown or JSON. Pure functions."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .metrics import Metrics
from .tables import MOF_CLASSES, OSAID_RESULTS

METRICS_FORMATS = ("terminal", "markdown", "json")


def render(m: Metrics, fmt: str) -> str:
    if fmt == "json":
        data: dict[str, Any] = dataclasses.asdict(m)
        data["openwashing_rate"] = m.openwashing_rate
        return json.dumps(data, indent=2) + "\n"
    return _text(m, markdown=fmt == "markdown")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]], markdown: bool) -> list[str]:
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows] + [""]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return ["  " + fmt.format(*head)] + ["  " + fmt.format(*map(str, r)) for r in rows] + [""]


def _text(m: Metrics, markdown: bool) -> str:
    h = "## " if markdown else ""
    n = m.releases
    out = [f"{'# ' if markdown else ''}Ecosystem metrics ({m.source}): {n} releases", ""]
    out.append(f"{h}Attributes")
    out += [""] if markdown else []
    rows = []
    for name, counts in m.levels:
        by = dict(counts)
        rows.append((name, *(_pct(by.get(lv, 0), n) for lv in _LEVELS)))
    out += _table(("attribute", *_LEVELS), rows, markdown)
    for title, counts in (
        ("License categories", m.license_categories),
        ("License families", m.license_families),
        ("Commercial use", m.commercial_use),
    ):
        out += [f"{h}{title}", *([""] if markdown else [])]
        out += _table(
            ("value", "releases", "share"), [(k, v, _pct(v, n)) for k, v in counts], markdown
        )
    out += _frameworks(m, markdown)
    out += _openwashing(m, markdown)
    for c in m.concentration:
        shares = ", ".join(f"top {k}: {100 * s:.1f}%" for k, s in c.top_k_share)
        out += [
            f"{h}Concentration of {c.measure}",
            *([""] if markdown else []),
            f"  {c.total} over {c.organisations} organisations; {shares}; HHI {c.hhi:.4f}",
            "",
        ]
        out += _table(
            ("organisation", c.measure, "share"),
            [(a, v, _pct(v, c.total)) for a, v in c.top],
            markdown,
        )
    out += [f"{h}By month", *([""] if markdown else [])]
    out += _table(
        ("month", "releases", "open license", "openwashing"),
        [(mo, r, _pct(o, r), w) for mo, r, o, w in m.months],
        markdown,
    )
    d = m.drift
    out += [
        f"{h}License drift along base_model",
        *([""] if markdown else []),
        f"  {d.derivatives} derivatives of a base in this set; {d.changed} changed license family "
        f"({d.more_restrictive} towards closed, {d.less_restrictive} towards open).",
        "",
    ]
    out += _table(("base family", "derivative family", "releases"), list(d.pairs), markdown)
    return "\n".join(out)


def _frameworks(m: Metrics, markdown: bool) -> list[str]:
    h, n = "## " if markdown else "", m.releases
    out = [f"{h}Framework classes", *([""] if markdown else [])]
    if not m.mof_classes:
        return out + ["  Not rated: framework classes need full assessments, not metadata.", ""]
    rows = [("MOF class", MOF_CLASSES.get(c, c), k, _pct(k, n)) for c, k in m.mof_classes]
    rows += [("OSAID 1.0", OSAID_RESULTS.get(v, v), k, _pct(k, n)) for v, k in m.osaid]
    return out + _table(("framework", "result", "releases", "share"), rows, markdown)


def _openwashing(m: Metrics, markdown: bool) -> list[str]:
    h, rate = "## " if markdown else "", m.openwashing_rate
    out = [
        f"{h}Openwashing",
        *([""] if markdown else []),
        f"  {m.claims_open} releases claim to be open; {m.openwashing} of them are openwashing "
        f"(rate {'-' if rate is None else f'{100 * rate:.1f}%'}).",
        f"  Judged by openwashing findings (OPN-OWS-*) for {m.openwashing_by_findings} releases, "
        f"by the tag heuristic (open-source tag, license not open) for "
        f"{m.releases - m.openwashing_by_findings}.",
        "",
    ]
    if m.openwashing_rules:
        out += _table(
            ("rule", "releases", "share"),
            [(rule, k, _pct(k, m.releases)) for rule, k in m.openwashing_rules],
            markdown,
        )
    return out


_LEVELS = ("open", "partial", "closed", "unknown")
