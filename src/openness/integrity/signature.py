"""Sign and verify a model with OpenSSF model-signing, offline: private-key or certificate mode.

model-signing (and pyopenssl, which its certificate mode needs) is an optional extra
(`pip install openness[signing]`), imported only here, only when asked. Sigstore keyless mode
needs the network and is left to model-signing's own CLI.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OpennessError

_INSTALL = "signing needs the optional extra: pip install 'openness[signing]'"


@dataclass(frozen=True)
class SignatureResult:
    verified: bool
    mode: str  # "key" | "certificate"
    signature: str
    reason: str  # why it failed, or what was trusted
    files: int = 0  # files the signed manifest covers


def _library() -> tuple[Any, Any, Any]:
    try:
        from model_signing import hashing, signing, verifying
    except ImportError as exc:
        raise OpennessError(f"{_INSTALL} ({exc.name} is missing)") from None
    logging.getLogger("model_signing").setLevel(logging.ERROR)
    return hashing, signing, verifying


def _ignored(model: Path, signature: Path) -> list[Path]:
    """The signature file is not part of what it signs when it sits inside the model folder."""
    if not model.is_dir():
        return []
    try:
        return [signature.resolve().relative_to(model.resolve())]
    except ValueError:
        return []


def sign(
    model: Path,
    signature: Path,
    private_key: Path,
    *,
    certificate: Path | None = None,
    chain: Sequence[Path] = (),
    password: str | None = None,
) -> str:
    """Sign `model` (folder or file) into `signature`; returns the mode used."""
    hashing, signing, _ = _library()
    _need(model, "model")
    _need(private_key, "private key")
    config = signing.Config().set_hashing_config(
        hashing.Config().set_ignored_paths(paths=_ignored(model, signature))
    )
    try:
        if certificate is None:
            config.use_elliptic_key_signer(private_key=private_key, password=password)
        else:
            _need(certificate, "signing certificate")
            config.use_certificate_signer(
                private_key=private_key, signing_certificate=certificate, certificate_chain=chain
            )
        config.sign(model, signature)
    except (ValueError, TypeError, OSError) as exc:
        raise OpennessError(f"cannot sign {model}: {exc}") from None
    return "certificate" if certificate is not None else "key"


def verify(
    model: Path,
    signature: Path,
    *,
    public_key: Path | None = None,
    chain: Sequence[Path] = (),
) -> SignatureResult:
    """Verify; a bad signature or changed files give `verified=False` with the reason.

    Usage errors (missing files, no key or chain given, unreadable keys) raise OpennessError.
    """
    _, _, verifying = _library()
    _need(model, "model")
    _need(signature, "signature")
    if (public_key is None) == (not chain):
        raise OpennessError("give exactly one of a public key or a certificate chain")
    mode = "key" if public_key is not None else "certificate"
    config = verifying.Config()
    try:
        if public_key is not None:
            _need(public_key, "public key")
            config.use_elliptic_key_verifier(public_key=public_key)
            trusted = f"public key sha256:{_fingerprint(public_key)}"
        else:
            for c in chain:
                _need(c, "certificate")
            config.use_certificate_verifier(certificate_chain=chain)
            trusted = "certificate chain " + ", ".join(c.name for c in chain)
    except (ValueError, TypeError, OSError) as exc:
        raise OpennessError(f"cannot load the {mode} to verify with: {exc}") from None
    try:
        config.verify(model, signature)
    except Exception as exc:  # noqa: BLE001  the library raises many types for a bad signature
        return SignatureResult(False, mode, str(signature), _reason(exc))
    return SignatureResult(True, mode, str(signature), trusted, _covered(signature))


def _need(path: Path, what: str) -> None:
    if not path.exists():
        raise OpennessError(f"{what} {path} does not exist")


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    text = re.sub(r": Expected 'Digest\(.*?\)', Actual 'Digest\(.*?\)'", "", text)
    return " ".join(text.split())[:500]


def _covered(signature: Path) -> int:
    """How many files the verified signature's manifest lists (read from its DSSE payload)."""
    import base64

    try:
        bundle = json.loads(signature.read_text(encoding="utf-8"))
        payload = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
        return len(payload["predicate"]["resources"])
    except (ValueError, KeyError, TypeError, OSError):
        return 0
