"""The two checks as one call each, shared by `openness verify` and `openness assess`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import OpennessError
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Assessment, Evidence, Finding
from .check import Actual, DigestReport, compare, hash_release
from .digests import MAX_LIST_BYTES, parse_digest_list


def check_digests(
    target: str,
    list_file: Path,
    *,
    assessment: Assessment | None = None,
    ignore: Iterable[str] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> DigestReport:
    """Compare the release at `target` with the digest list in `list_file`.

    SHA-256s the assessment already computed are reused; only files it did not hash, or that the
    list knows by git blob id only, are read again (through the release's Source).
    """
    try:
        if list_file.stat().st_size > MAX_LIST_BYTES:
            raise OpennessError(f"{list_file} is over {MAX_LIST_BYTES:,} bytes")
        data = list_file.read_bytes()
    except OSError as exc:
        raise OpennessError(f"cannot read {list_file}: {exc.strerror}") from None
    digest_list = parse_digest_list(list_file.name, data)
    known = {}
    if assessment is not None:
        known = {f.path: f.sha256 for f in assessment.files if f.sha256 is not None}
    want_git = [e.path for e in digest_list.entries if e.sha256 is None]
    if assessment is not None and not want_git and len(known) == len(assessment.files):
        files = {f.path: Actual(f.path, f.size, f.sha256) for f in assessment.files}
        failed: list[tuple[str, str]] = []
    else:
        files, failed = hash_release(target, limits, want_git=want_git, known=known)
    report = compare(digest_list, files, ignore=ignore)
    for path, why in failed:
        if any(e.path == path for e in digest_list.entries):
            report.missing = [e for e in report.missing if e.path != path]
            report.unchecked.append((path, f"could not be read: {why}"))
    return report


def check_trust_options(signature: object, public_key: object, chain: Iterable[object]) -> None:
    """A signature needs a public key or a certificate chain, and those need a signature."""
    chain = list(chain)
    if signature and not (public_key or chain):
        raise OpennessError("--signature needs --public-key or --certificate-chain")
    if (public_key or chain) and not signature:
        raise OpennessError("--public-key and --certificate-chain need --signature")


def inside(target: str, *paths: Path | None) -> list[str]:
    """Release-relative names of those `paths` that sit inside the target folder."""
    root = Path(target).resolve()
    out = []
    for p in paths:
        if p is None or not root.is_dir():
            continue
        with contextlib.suppress(ValueError):
            out.append(p.resolve().relative_to(root).as_posix())
    return out


def integrity_results(
    target: str,
    *,
    digests: Path | None = None,
    signature: Path | None = None,
    public_key: Path | None = None,
    chain: Iterable[Path] = (),
    assessment: Assessment | None = None,
) -> tuple[list[Evidence], list[Finding]]:
    from .evidence import digest_evidence, signature_evidence

    evidence: list[Evidence] = []
    findings: list[Finding] = []
    if digests is not None:
        ignore = inside(target, digests, signature)
        report = check_digests(target, digests, assessment=assessment, ignore=ignore)
        e, f = digest_evidence(report)
        evidence += e
        findings += f
    if signature is not None:
        from .signature import verify

        result = verify(Path(target), signature, public_key=public_key, chain=list(chain))
        e, f = signature_evidence(result)
        evidence += e
        findings += f
    return evidence, findings
