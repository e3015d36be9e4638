"""API tokens: the signing key and JWKS made on first use, and the tokens ``csms token``
prints, checked with an independent ES256 verification."""

from __future__ import annotations

import base64
import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from launcher import cli
from launcher.api_tokens import (
    Role,
    SigningKey,
    SigningKeyError,
    create_token,
    ensure_jwks,
    signing_key,
    summary,
)
from launcher.supervisor import _banner
from servicekit.security_settings import SecuritySettings
from servicekit.settings import Settings

NOW = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"CSMS_DATA_DIR": str(tmp_path), **env})


def _security(tmp_path: Path, **env: str) -> SecuritySettings:
    return _settings(tmp_path, **env).security


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """RFC 7515 verification of an ES256 compact JWS against a JWKS: (header, claims)."""
    header_part, claims_part, signature_part = token.split(".")
    header = json.loads(_unb64(header_part))
    (jwk,) = [key for key in jwks["keys"] if key["kid"] == header["kid"]]
    assert (header["alg"], jwk["kty"], jwk["crv"]) == ("ES256", "EC", "P-256")
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_unb64(jwk["x"]), "big"),
        int.from_bytes(_unb64(jwk["y"]), "big"),
        ec.SECP256R1(),
    ).public_key()
    raw = _unb64(signature_part)
    assert len(raw) == 64, "R and S as two 32-byte integers (RFC 7518 §3.4), not DER"
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header_part}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
    return header, json.loads(_unb64(claims_part))


def test_a_token_verifies_with_the_jwks_and_carries_its_claims(tmp_path: Path) -> None:
    security = _security(tmp_path, CSMS_API_ISSUER="https://csms.example")
    token, made = create_token(
        security, Role.VIEWER, subject="alice", lifetime=dt.timedelta(days=2), now=NOW
    )
    header, claims = verify(token, json.loads(security.api_jwks.read_text()))
    assert header["typ"] == "JWT"
    assert claims == made
    assert claims["iss"] == "https://csms.example"
    assert (claims["sub"], claims["role"]) == ("alice", "viewer")
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["exp"] - claims["iat"] == 2 * 86400


def test_a_changed_claim_breaks_the_signature(tmp_path: Path) -> None:
    security = _security(tmp_path)
    token, _ = create_token(
        security, Role.VIEWER, subject="v", lifetime=dt.timedelta(days=1), now=NOW
    )
    header, claims, signature = token.split(".")
    forged = json.loads(_unb64(claims)) | {"role": "operator"}
    payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        verify(f"{header}.{payload}.{signature}", json.loads(security.api_jwks.read_text()))


def test_every_token_has_its_own_id(tmp_path: Path) -> None:
    security = _security(tmp_path)
    ids = {
        create_token(security, Role.OPERATOR, subject="o", lifetime=dt.timedelta(days=1), now=NOW)[
            1
        ]["jti"]
        for _ in range(5)
    }
    assert len(ids) == 5


def test_first_use_creates_a_private_key_and_its_jwks(tmp_path: Path) -> None:
    security = _security(tmp_path)
    ensure_jwks(security)
    assert security.api_signing_key == tmp_path / "pki" / "api-signing-key.pem"
    assert security.api_jwks == tmp_path / "pki" / "api-jwks.json"
    assert stat.S_IMODE(security.api_signing_key.stat().st_mode) == 0o600
    (jwk,) = json.loads(security.api_jwks.read_text())["keys"]
    assert "d" not in jwk, "the JWKS holds the public key only"
    assert jwk["kid"] == signing_key(security).kid
    # Again: the same key, not a new one (tokens already handed out stay valid).
    before = security.api_jwks.read_text()
    ensure_jwks(security)
    assert security.api_jwks.read_text() == before


def test_the_key_id_is_the_rfc7638_thumbprint() -> None:
    key = SigningKey.generate()
    members = {name: key.jwk()[name] for name in ("crv", "kty", "x", "y")}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    digest = hashes.Hash(hashes.SHA256())
    digest.update(canonical)
    assert key.kid == base64.urlsafe_b64encode(digest.finalize()).rstrip(b"=").decode()


def test_a_lost_jwks_is_written_again_from_the_key(tmp_path: Path) -> None:
    security = _security(tmp_path)
    ensure_jwks(security)
    kid = signing_key(security).kid
    security.api_jwks.unlink()
    ensure_jwks(security)
    assert [k["kid"] for k in json.loads(security.api_jwks.read_text())["keys"]] == [kid]


def test_a_foreign_jwks_is_used_but_csms_will_not_sign_for_it(tmp_path: Path) -> None:
    foreign = tmp_path / "idp-jwks.json"
    foreign.write_text(json.dumps({"keys": [SigningKey.generate().jwk()]}))
    security = _security(tmp_path, CSMS_API_JWKS=str(foreign))
    ensure_jwks(security)  # csms up starts: Envoy verifies the provider's tokens
    assert not security.api_signing_key.exists()
    with pytest.raises(SigningKeyError, match="not made by csms"):
        signing_key(security)


def test_a_key_missing_from_the_jwks_is_refused(tmp_path: Path) -> None:
    security = _security(tmp_path)
    ensure_jwks(security)
    security.api_jwks.write_text(json.dumps({"keys": [SigningKey.generate().jwk()]}))
    with pytest.raises(SigningKeyError, match="Envoy would refuse its tokens"):
        signing_key(security)


def test_a_jwks_that_is_not_one_is_named(tmp_path: Path) -> None:
    security = _security(tmp_path)
    security.api_jwks.parent.mkdir(parents=True)
    security.api_jwks.write_text("not json")
    with pytest.raises(SigningKeyError, match="is not a JWKS"):
        ensure_jwks(security)


def _cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str, jwks: Path | None = None
) -> int:
    for name in ("CSMS_API_JWKS", "CSMS_API_ISSUER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CSMS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CSMS_API_AUTH", "jwt")
    if jwks is not None:
        monkeypatch.setenv("CSMS_API_JWKS", str(jwks))
    return cli.main(["token", "create", *args])


def test_csms_token_create_prints_the_token_alone_on_stdout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _cli(monkeypatch, tmp_path, "--role", "operator", "--days", "3", "--subject", "ops")
    assert status == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert out == token + "\n"
    _, claims = verify(token, json.loads((tmp_path / "pki" / "api-jwks.json").read_text()))
    assert (claims["sub"], claims["role"], claims["iss"]) == ("ops", "operator", "csms")
    assert claims["exp"] - claims["iat"] == 3 * 86400
    assert "operator token for 'ops'" in err and "Authorization: Bearer" in err


def test_csms_token_create_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(monkeypatch, tmp_path, "--role", "viewer") == 0
    _, claims = verify(
        capsys.readouterr().out.strip(),
        json.loads((tmp_path / "pki" / "api-jwks.json").read_text()),
    )
    assert (claims["sub"], claims["role"]) == ("viewer", "viewer")
    assert claims["exp"] - claims["iat"] == 30 * 86400


@pytest.mark.parametrize(
    "args", [["--role", "admin"], ["--role", "viewer", "--days", "0"], ["--days", "1"]]
)
def test_csms_token_create_refuses_bad_arguments(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        _cli(monkeypatch, tmp_path, *args)
    assert refused.value.code == 2


def test_csms_token_create_names_a_foreign_jwks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "idp-jwks.json"
    foreign.write_text(json.dumps({"keys": [SigningKey.generate().jwk()]}))
    assert _cli(monkeypatch, tmp_path, "--role", "viewer", jwks=foreign) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "csms token:" in err and "idp-jwks.json" in err


def test_the_banner_says_whether_the_api_needs_tokens(tmp_path: Path) -> None:
    open_api = _banner(_settings(tmp_path), None)
    assert "API authentication   none" in open_api
    assert "not for production" in open_api
    secured = _banner(_settings(tmp_path, CSMS_API_AUTH="jwt"), None)
    assert "csms token create --role operator" in secured
    assert summary(_security(tmp_path, CSMS_API_AUTH="jwt")) in secured
