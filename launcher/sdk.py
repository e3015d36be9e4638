"""The SDKs: the typed gRPC stubs and the REST client generated from the OpenAPI document.

``csms sdk [DIR]`` (``make sdk``) is the one command that regenerates both: it runs the
proto generation (``csms/``: messages, gRPC stubs, typed stubs, descriptor set and the
OpenAPI documents), then ``openapi-python-client`` on ``csms/openapi.json``, which writes
an installable project with the package ``csms_rest_client`` into DIR (default
``build/sdk``, ignored by git). The hand-written gRPC convenience client is the
first-party package ``csms_client``; it needs no generation beyond ``csms/``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from launcher import protogen

DEFAULT_TARGET = protogen.REPO_ROOT / "build" / "sdk"
PACKAGE = "csms_rest_client"


class SdkError(RuntimeError):
    """openapi-python-client refused the document; the message carries its output."""


def _generator() -> str:
    beside = Path(sys.executable).parent / "openapi-python-client"
    if not beside.exists():
        raise SdkError(
            "openapi-python-client not found; install the development tools: "
            "pip install -e '.[dev]'"
        )
    return str(beside)


def _config() -> dict[str, object]:
    # Formatting is a courtesy to readers of the generated code, not a requirement.
    hooks = [f"{sys.executable} -m ruff format ."] if importlib.util.find_spec("ruff") else []
    return {
        "project_name_override": "csms-rest-client",
        "package_name_override": PACKAGE,
        "post_hooks": hooks,
    }


def generate_rest_client(target: Path, document: Path = protogen.OPENAPI_DOCUMENT) -> Path:
    """Write the REST client project for ``document`` into ``target``; return the package dir.

    ``target`` is replaced: it holds generated code only.
    """
    with tempfile.TemporaryDirectory(prefix="csms-sdk-") as scratch:
        config = Path(scratch) / "config.json"
        config.write_text(json.dumps(_config()))
        result = subprocess.run(
            [
                _generator(),
                "generate",
                "--path",
                str(document),
                "--meta",
                "setup",
                "--config",
                str(config),
                "--output-path",
                str(target),
                "--overwrite",
                "--fail-on-warning",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise SdkError(f"openapi-python-client failed:\n{result.stdout}{result.stderr}".strip())
    return target / PACKAGE


def main(target: Path = DEFAULT_TARGET) -> int:
    """Regenerate ``csms/`` (gRPC SDK, OpenAPI) and then the REST client into ``target``."""
    try:
        protogen.generate()
        package = generate_rest_client(target)
    except (protogen.GenerationError, SdkError) as error:
        print(f"csms sdk: {error}", file=sys.stderr)
        return 1
    print(f"gRPC SDK: {protogen.OUTPUT_DIR} (typed stubs) and the csms_client package")
    print(f"REST SDK: {package} (pip install {target})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET))
