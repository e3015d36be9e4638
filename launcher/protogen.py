"""Generate the API code from ``proto/`` into the ignored ``csms/`` folder.

One command makes everything that is generated from the protos: Python messages
(``*_pb2.py``), gRPC stubs (``*_pb2_grpc.py``), typed stubs for both (``*.pyi``, by
mypy-protobuf) and the descriptor set Envoy's gRPC-JSON transcoder reads
(``csms/descriptors.pb``), and the OpenAPI documents built from that descriptor set
(``csms/openapi.json`` and one per listener, see :mod:`launcher.openapi`). Nobody edits
the output; ``csms generate`` (or ``make proto``) rewrites it, and every ``csms`` command
calls :func:`ensure_generated` first, so a changed proto is picked up without anybody
remembering to run it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = REPO_ROOT / "proto"
OUTPUT_DIR = REPO_ROOT / "csms"
DESCRIPTOR_SET = OUTPUT_DIR / "descriptors.pb"
OPENAPI_DOCUMENT = OUTPUT_DIR / "openapi.json"
_STAMP = OUTPUT_DIR / ".fingerprint"

# Types that travel in a gRPC status's details (``grpc-status-details-bin``). Envoy's
# transcoder turns a failed call into JSON only if it can print every detail, from the
# descriptor set; without these it passes the gRPC response through as it came: an empty
# body with content-type application/grpc, the reason only in headers. Only their
# descriptors are kept: Python code for them comes from googleapis-common-protos.
STATUS_DETAIL_PROTOS = ("google/rpc/status.proto", "google/rpc/error_details.proto")


class GenerationError(RuntimeError):
    """protoc refused the protos; the message carries its exit status."""


def proto_files() -> list[Path]:
    return sorted(PROTO_DIR.rglob("*.proto"))


def project_version() -> str:
    """The project's version: installed metadata, or pyproject.toml while pip is installing
    the project (setup.py generates before the project is installed)."""
    try:
        return metadata.version("csms")
    except metadata.PackageNotFoundError:
        with (REPO_ROOT / "pyproject.toml").open("rb") as project:
            return str(tomllib.load(project)["project"]["version"])


def fingerprint() -> str:
    """A hash of every proto and of the generators: equal hashes, equal output."""
    digest = hashlib.sha256()
    digest.update(f"csms={project_version()};".encode())
    for name in ("grpcio-tools", "mypy-protobuf", "protobuf"):
        digest.update(f"{name}={metadata.version(name)};".encode())
    # This module and the OpenAPI builder are part of the generator: a change to either
    # is a change of output.
    digest.update(Path(__file__).read_bytes())
    for builder in sorted((Path(__file__).parent / "openapi").glob("*.py")):
        digest.update(builder.read_bytes())
    for path in proto_files():
        digest.update(str(path.relative_to(PROTO_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current() -> bool:
    return _STAMP.is_file() and _STAMP.read_text().strip() == fingerprint()


def _include_dirs() -> list[Path]:
    import google.api.annotations_pb2 as annotations
    import grpc_tools

    googleapis = Path(annotations.__file__).resolve().parents[2]
    well_known = Path(grpc_tools.__file__).resolve().parent / "_proto"
    return [PROTO_DIR, googleapis, well_known]


def _plugin(name: str) -> str:
    """Locate a protoc plugin next to the running interpreter, then on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise GenerationError(f"{name} not found; install the project: pip install -e '.[dev]'")
    return found


def generate() -> None:
    """Regenerate everything into ``csms/``.

    The output is built in a scratch folder and swapped in only when protoc succeeded,
    so a proto with a mistake leaves the last good ``csms/`` in place.
    """
    scratch = Path(tempfile.mkdtemp(prefix=".csms-generate-", dir=REPO_ROOT))
    try:
        target = scratch / OUTPUT_DIR.name
        target.mkdir()
        files = [str(p.relative_to(PROTO_DIR)) for p in proto_files()]
        args = [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            *(f"-I{d}" for d in _include_dirs()),
            f"--plugin=protoc-gen-mypy={_plugin('protoc-gen-mypy')}",
            f"--plugin=protoc-gen-mypy_grpc={_plugin('protoc-gen-mypy_grpc')}",
            f"--python_out={scratch}",
            f"--grpc_python_out={scratch}",
            f"--mypy_out={scratch}",
            f"--mypy_grpc_out={scratch}",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={target / DESCRIPTOR_SET.name}",
            *files,
            *STATUS_DETAIL_PROTOS,
        ]
        # A child process: protoc and its plugins write to the terminal directly ("Writing
        # mypy to ..."); that is noise unless protoc fails, and then it is the explanation.
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise GenerationError(
                f"protoc exited with status {result.returncode}:\n"
                f"{(result.stderr + result.stdout).strip()}"
            )
        for module in target.rglob("*_pb2.py"):
            for package in module.relative_to(scratch).parents:
                if package != Path("."):
                    (scratch / package / "__init__.py").touch()
                    (scratch / package / "py.typed").touch()
        from launcher.openapi import write_documents

        write_documents(target / DESCRIPTOR_SET.name, target, project_version())
        (target / _STAMP.name).write_text(fingerprint() + "\n")
        if OUTPUT_DIR.exists():
            shutil.rmtree(OUTPUT_DIR)
        target.rename(OUTPUT_DIR)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def ensure_generated() -> None:
    """Generate unless ``csms/`` already matches the protos."""
    if not is_current():
        generate()


def main() -> int:
    try:
        generate()
    except GenerationError as error:
        print(f"csms generate: {error}", file=sys.stderr)
        return 1
    print(f"generated {len(proto_files())} proto files into {OUTPUT_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
