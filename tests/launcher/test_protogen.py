"""The generation command: everything generated comes from proto/, and is current."""

from __future__ import annotations

from google.protobuf import descriptor_pb2

from launcher import protogen


def test_generated_code_matches_the_protos() -> None:
    # csms/ is made on install and refreshed on every csms command; it must be current here.
    protogen.ensure_generated()
    assert protogen.is_current()


def test_one_output_per_proto_with_typed_stubs() -> None:
    for proto in protogen.proto_files():
        relative = proto.relative_to(protogen.PROTO_DIR).with_suffix("")
        base = protogen.REPO_ROOT / relative.parent / relative.name
        for suffix in ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi"):
            assert base.with_name(base.name + suffix).is_file(), f"{relative}{suffix} missing"


def test_descriptor_set_holds_every_service_for_envoy() -> None:
    files = descriptor_pb2.FileDescriptorSet.FromString(protogen.DESCRIPTOR_SET.read_bytes())
    services = {f"{f.package}.{s.name}" for f in files.file for s in f.service}
    assert services == {
        "csms.chargepoint.v1.ChargePointService",
        "csms.transaction.v1.TransactionService",
        "csms.auth.v1.AuthService",
        # Internal (no REST binding): auth_svc's CA, which the edge asks to sign CSRs.
        "csms.auth.v1.CertificateAuthorityService",
        # Internal: auth_svc's ISO 15118 Plug & Charge, asked by the edge (OCSP, EV certificates).
        "csms.auth.v1.ContractCertificateService",
        "csms.edge.v1.EdgeService",
    }
    # Imports are included, so Envoy needs no other file.
    names = {f.name for f in files.file}
    assert {"google/api/annotations.proto", "google/protobuf/timestamp.proto"} <= names


def test_fingerprint_changes_with_the_protos(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = protogen.fingerprint()
    copy = tmp_path / "proto"
    for proto in protogen.proto_files():
        target = copy / proto.relative_to(protogen.PROTO_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(proto.read_bytes())
    monkeypatch.setattr(protogen, "PROTO_DIR", copy)
    assert protogen.fingerprint() == before
    (copy / "csms/common/v1/health.proto").write_text(
        (copy / "csms/common/v1/health.proto").read_text() + "\n// changed\n"
    )
    assert protogen.fingerprint() != before
