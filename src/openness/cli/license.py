"""`openness license`: which license, which terms, and is it really open."""

from __future__ import annotations

import argparse
from typing import Any

#: a single text file is read up to this size; the matcher reads long texts in windows (the
#: start, the end, lines that look like license titles), so padding never hides a license
_MAX_LICENSE_FILE = 64 * 1024 * 1024
_LABEL = 17  # a term's name ("use restrictions") and a space
_TERM = 27  # a cited term's name


def add_parser(commands: Any) -> None:
    p = commands.add_parser(
        "license",
        help="identify the licenses of a release or a license file, with their terms",
        description="Identify every license and use policy in a release (card metadata, "
        "license and policy files, a README's License section) or in one license file, and "
        "show the terms: commercial use, user thresholds, use restrictions, output training. "
        "A text that resembles a license but differs is reported as modified, with the "
        "closest candidates.",
        epilog="Several targets are read in one process (CI): a table per target, in order "
        "(JSON: a list of {target, licenses}); a target that cannot be read is reported and "
        "makes the exit code 2, the others still run.\n\n"
        "Examples:\n  openness license ./my-model\n  openness license LICENSE "
        "--format json\n  openness license LICENSE USE_POLICY.md ./other-model\n"
        "  openness license --example",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "target", nargs="*", help="license files, model folders or archives (one or more)"
    )
    p.add_argument(
        "--example", action="store_true", help="the example release shipped with openness"
    )
    p.add_argument(
        "-f",
        "--format",
        choices=("terminal", "json"),
        default="terminal",
        help="terminal table (default) or JSON: one object per license found",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .batch import for_each_target
    from .output import target_or_example, write_report

    targets = args.target or []
    if len(targets) > 1 and args.example:
        from ..errors import OpennessError

        raise OpennessError("give TARGETs or --example, not both")
    if len(targets) <= 1:
        args.target = targets[0] if targets else None
        targets = [target_or_example(args)]
    several = len(targets) > 1
    reports, code = for_each_target(targets, lambda t: (_report(t, args.format, several), 0))
    if several and args.format == "json":
        text = "[\n" + ",\n".join(reports) + "\n]\n" if reports else ""
    else:
        text = "\n".join(reports) if several else "".join(reports)
    write_report(text, args.output)
    return code


def _report(target: str, fmt: str, several: bool) -> str:
    verdict, licenses = _licenses(target)
    if fmt == "json":
        if not several:
            return _json(licenses)
        import json

        from ..serialize import to_data

        entry = {"target": target, "licenses": [to_data(lic) for lic in licenses]}
        return json.dumps(entry, indent=2)
    header = f"== {target}\n" if several else ""
    if _is_notice(target):
        return header + (
            f"{target} is a notice file (attributions, third-party license texts): as in "
            "`openness assess`, it is not read as a license of the release. Give the license "
            "file itself.\n"
        )
    return header + _verdict(verdict) + _table(target, licenses)


def _licenses(target: str) -> tuple[Any, tuple[Any, ...]]:
    """The release's verdict (None for a single license file) and every license found."""
    from pathlib import Path

    from ..errors import TargetError

    path = Path(target)
    if path.is_file() and _is_text(path):
        from ..documents.files import classify_document, license_detections, readme_license

        try:
            data = path.read_bytes()[:_MAX_LICENSE_FILE]
        except OSError as exc:
            raise TargetError(f"cannot read {target}: {exc.strerror}") from None
        kind = classify_document(path.name)
        if kind == "card":
            return None, readme_license(path.name, data)
        if kind == "notice":
            return None, ()  # attributions of other works, as assess reads them
        kind = "use-policy" if kind == "policy" else "license"
        return None, license_detections(path.name, data, kind=kind)
    from ..pipeline import assess

    a = assess(target, hash_files=False, health=False)
    return a.license, a.licenses


def _verdict(verdict: Any) -> str:
    """The release's one license verdict, as the headline of `assess` shows it."""
    from ..text_rows import labelled

    if verdict is None:
        return ""
    label = verdict.id or verdict.name or verdict.declared or "none"
    lines = [f"License verdict: {label} ({verdict.category}, {verdict.status})"]
    if verdict.terms is not None:
        t = verdict.terms
        lines.append(labelled("commercial use", f"{t.commercial_use}{_threshold(t)}", _LABEL))
    if verdict.note:
        lines.append(labelled("why", verdict.note, _LABEL))
    return "\n".join(lines) + "\n\n"


def _is_notice(target: str) -> bool:
    from pathlib import Path

    from ..documents.files import classify_document

    path = Path(target)
    return path.is_file() and classify_document(path.name) == "notice"


def _is_text(path: Any) -> bool:
    """A license text: small, no NUL bytes, not an archive or a weight file by its magic."""
    try:
        if path.stat().st_size > _MAX_LICENSE_FILE:
            return False
        with path.open("rb") as f:
            start = f.read(4096)
    except OSError:
        return False
    if start.startswith((b"PK\x03\x04", b"\x1f\x8b", b"GGUF", b"\x93NUMPY", b"\x89HDF")):
        return False
    return b"\x00" not in start


def _json(licenses: tuple[Any, ...]) -> str:
    import json

    from ..serialize import to_data

    return json.dumps([to_data(lic) for lic in licenses], indent=2) + "\n"


def _table(target: str, licenses: tuple[Any, ...]) -> str:
    from ..text_rows import labelled

    if not licenses:
        return f"{target}: no license found\n"
    lines = []
    for lic in licenses:
        where = str(lic.source) + "".join(f", {loc}" for loc in lic.also_in)
        lines.append(f"{where}")
        if lic.status != "identified":
            closest = ", ".join(f"{c.name} ({c.score:.0%})" for c in lic.candidates) or "none"
            scope = f" [{lic.scope}]" if lic.scope else ""
            if lic.status == "modified":
                lines.append(f"  modified: {lic.name}{scope}; closest: {closest}")
            else:  # another license: a few shared clauses do not make it a catalogued one
                shares = f"; shares some text with: {closest}" if lic.candidates else ""
                lines.append(f"  not in the catalog: {lic.name}{scope}{shares}")
            if lic.terms.note:
                lines.append(f"  why: {lic.terms.note}")
            if lic.terms.sources:
                lines.append("  terms read from the text:")
                lines += _cited(lic.terms)
            lines.append("")
            continue
        version = f", version {lic.version}" if lic.version else ""
        scope = f" [{lic.scope}]" if lic.scope else ""
        lines.append(f"  {lic.name} ({lic.id}{version}){scope}")
        t = lic.terms
        rows = [
            ("identified", f"{lic.confidence:.0%} via {lic.via}"),
            ("kind", lic.kind),
            ("OSI approved", _yes(lic.osi_approved)),
            ("commercial use", str(t.commercial_use) + _threshold(t)),
            ("use restrictions", _yes(t.use_restrictions) + _downstream(t)),
            ("output training", _output(t.output_training_restricted)),
        ]
        if t.territory_exclusions:
            rows.append(("territory", "excludes " + ", ".join(t.territory_exclusions)))
        if t.naming:
            rows.append(("naming", t.naming))
        if t.note:
            rows.append(("note", t.note))
        lines += [labelled(k, v, _LABEL) for k, v in rows]
        if t.sources:
            lines.append("  where each term is stated:")
            lines += _cited(t)
        lines.append("")
    return "\n".join(lines)


def _cited(terms: Any) -> list[str]:
    """One line per term: its value, the line of the clause it rests on (or the catalog
    profile) and, where the text differs from the catalog, the catalogued value."""
    from ..text_rows import labelled

    out = []
    for s in terms.sources:
        where = f"line {s.line}" if s.line else s.quote or "catalog profile"
        differs = f"  [catalogued: {s.catalogued}]" if s.catalogued is not None else ""
        quote = f' "{s.quote[:90]}"' if s.line and s.quote else ""
        value = f"{s.value} ({where}){differs}{quote}"
        out.append(labelled(s.term.replace("_", " "), value, _TERM, "    "))
    return out


def _yes(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _threshold(t: Any) -> str:
    parts = []
    if t.mau_threshold is not None:
        parts.append(f"{t.mau_threshold:,} monthly active users")
    if t.revenue_threshold_usd is not None:
        parts.append(f"USD {t.revenue_threshold_usd:,} revenue")
    return f" (threshold: {' or '.join(parts)})" if parts else ""


def _downstream(t: Any) -> str:
    return (
        " (must be passed downstream)" if t.use_restrictions and t.restrictions_downstream else ""
    )


def _output(value: bool | None) -> str:
    if value is None:
        return "not addressed"
    return "may not train other models" if value else "may train other models"
