"""simulator.v2.plug_and_charge and ``csms-sim --plug-and-charge``: what the station makes
of its contract certificate file, and the files and versions it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp

from simulator.cli import main
from simulator.v2.plug_and_charge import ContractCertificate, ContractFileError
from tests.support.plug_and_charge import issue

pytestmark = pytest.mark.unit


def test_the_eMAID_and_the_hash_data_come_from_the_certificate() -> None:
    sub_ca = issue("MO Sub-CA", None, ca=True)
    contract = issue("DE8AAC12345678", sub_ca, ca=False, ocsp_url="http://ocsp.mo.test/")
    loaded = ContractCertificate.from_pem(contract.pem + sub_ca.pem)
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(contract.certificate, sub_ca.certificate, hashes.SHA256())
        .build()
    )
    assert loaded.emaid == "DE8AAC12345678"
    assert loaded.hash_data == {
        "hash_algorithm": "SHA256",
        "issuer_name_hash": request.issuer_name_hash.hex(),
        "issuer_key_hash": request.issuer_key_hash.hex(),
        "serial_number": f"{contract.certificate.serial_number:X}",
        "responder_url": "http://ocsp.mo.test/",
    }


def test_a_file_without_the_sub_ca_or_no_pem_is_refused() -> None:
    contract = issue("EMAID", None, ca=False)
    with pytest.raises(ContractFileError, match="then the sub-CA that issued it"):
        ContractCertificate.from_pem(contract.pem)
    with pytest.raises(ContractFileError, match="not PEM certificates"):
        ContractCertificate.from_pem("hello")


def test_the_cli_refuses_1_6_and_unusable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub_ca = issue("MO Sub-CA", None, ca=True)
    good = tmp_path / "contract.pem"
    good.write_text(issue("EMAID", sub_ca, ca=False).pem + sub_ca.pem)
    assert main(["CP-1", "1.6", "--plug-and-charge", str(good)]) == 2
    assert "--plug-and-charge needs OCPP 2.0.1 or 2.1" in capsys.readouterr().err
    missing = tmp_path / "missing.pem"
    assert main(["CP-1", "2.0.1", "--plug-and-charge", str(missing)]) == 2
    assert f"--plug-and-charge {missing}" in capsys.readouterr().err
    bad = tmp_path / "bad.pem"
    bad.write_text("hello")
    assert main(["CP-1", "2.1", "--plug-and-charge", str(bad)]) == 2
    assert "not PEM certificates" in capsys.readouterr().err
