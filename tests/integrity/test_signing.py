"""OpenSSF model-signing, offline: private-key and certificate modes, keys and certs made here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

pytest.importorskip("model_signing")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from openness.integrity import sign, verify  # noqa: E402
from tests.helpers import run_cli  # noqa: E402


def write_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return key


def write_public(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture
def model(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    (root / "sub").mkdir(parents=True)
    (root / "model.safetensors").write_bytes(b"\x01" * 64)
    (root / "config.json").write_text("{}")
    (root / "sub" / "tokenizer.json").write_text("[]")
    return root


def test_key_mode_round_trip_and_tampering(model: Path, tmp_path: Path) -> None:
    key = write_key(tmp_path / "key.pem")
    write_public(key, tmp_path / "pub.pem")
    signature = model / "model.sig"
    assert sign(model, signature, tmp_path / "key.pem") == "key"
    good = verify(model, signature, public_key=tmp_path / "pub.pem")
    assert good.verified and good.files == 3 and good.mode == "key"

    other = write_key(tmp_path / "other.pem")
    write_public(other, tmp_path / "other-pub.pem")
    wrong_key = verify(model, signature, public_key=tmp_path / "other-pub.pem")
    assert not wrong_key.verified

    (model / "config.json").write_text('{"changed": true}')
    tampered = verify(model, signature, public_key=tmp_path / "pub.pem")
    assert not tampered.verified and "config.json" in tampered.reason


def test_certificate_mode(model: Path, tmp_path: Path) -> None:
    ca_key = write_key(tmp_path / "ca-key.pem")
    ca = certificate("Test CA", ca_key, None, ca_key, ca=True)
    leaf_key = write_key(tmp_path / "leaf-key.pem")
    leaf = certificate("Model publisher", leaf_key, ca, ca_key, ca=False)
    ca_pem, leaf_pem = pem(ca, tmp_path / "ca.pem"), pem(leaf, tmp_path / "leaf.pem")
    signature = tmp_path / "model.sig"
    mode = sign(model, signature, tmp_path / "leaf-key.pem", certificate=leaf_pem, chain=[ca_pem])
    assert mode == "certificate"
    assert verify(model, signature, chain=[ca_pem]).verified

    rogue_key = write_key(tmp_path / "rogue-key.pem")
    rogue = pem(certificate("Rogue CA", rogue_key, None, rogue_key, ca=True), tmp_path / "r.pem")
    assert not verify(model, signature, chain=[rogue]).verified


def test_cli_sign_verify_and_assess(model: Path, tmp_path: Path) -> None:
    key = write_key(tmp_path / "key.pem")
    write_public(key, tmp_path / "pub.pem")
    signed = run_cli("sign", str(model), "--private-key", str(tmp_path / "key.pem"))
    assert signed.returncode == 0, signed.stderr
    assert (model / "model.sig").is_file()
    args = ["--signature", str(model / "model.sig"), "--public-key", str(tmp_path / "pub.pem")]
    ok = run_cli("verify", str(model), *args)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "integrity.signature: verified" in ok.stdout

    report = run_cli("assess", str(model), *args, "--format", "json", "--fail-on", "never")
    facts = {e["fact"]: e["value"] for e in json.loads(report.stdout)["evidence"]}
    assert facts["integrity.signature"] == "verified"

    (model / "model.safetensors").write_bytes(b"\x02" * 64)
    bad = run_cli("verify", str(model), *args)
    assert bad.returncode == 1 and "OPN-INT-010" in bad.stdout
    assessed = run_cli("assess", str(model), *args, "--format", "json")
    assert assessed.returncode == 1
    findings = json.loads(assessed.stdout)["findings"]
    assert any(f["rule_id"] == "OPN-INT-010" for f in findings)


def test_usage_errors_exit_2(model: Path, tmp_path: Path) -> None:
    no_key = run_cli("verify", str(model), "--signature", str(model / "model.sig"))
    assert no_key.returncode == 2 and "--public-key" in no_key.stderr
    missing = run_cli(
        "verify", str(model), "--signature", str(tmp_path / "nope.sig"), "--public-key", "x.pem"
    )
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    bad_key = tmp_path / "bad.pem"
    bad_key.write_text("not a key")
    unsigned = run_cli("sign", str(model), "--private-key", str(bad_key))
    assert unsigned.returncode == 2 and "Traceback" not in unsigned.stderr
