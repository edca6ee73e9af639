"""Integrity: digest lists (sha256sum, JSON, the Hub's LFS listings) and OpenSSF model signing."""

from __future__ import annotations

from .check import Actual, DigestReport, compare, hash_release
from .digests import DigestList, DigestListError, Expected, parse_digest_list
from .evidence import digest_evidence, signature_evidence, with_integrity
from .signature import SignatureResult, sign, verify
from .steps import check_digests, integrity_results

__all__ = [
    "Actual",
    "DigestList",
    "DigestListError",
    "DigestReport",
    "Expected",
    "SignatureResult",
    "check_digests",
    "compare",
    "digest_evidence",
    "hash_release",
    "integrity_results",
    "parse_digest_list",
    "sign",
    "signature_evidence",
    "verify",
    "with_integrity",
]
