"""The console is a client of the public REST API and nothing more (STYLE.md principle 13):
no module of ``console/`` imports a service, the edge, the generated stubs (``csms``), the
generated REST client (``csms_client``) or the launcher. Read from every module's syntax
tree, as tests/launcher/test_runtime_dependencies.py reads the running code's imports, so
an import inside a function or under ``TYPE_CHECKING`` counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
FORBIDDEN = {
    "edge",
    "chargepoint_svc",
    "transaction_svc",
    "auth_svc",
    "csms",
    "csms_client",
    "launcher",
}


def imported(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports (relative imports: none)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value).split(".")[0])
    return names


MODULES = sorted(CONSOLE.rglob("*.py"))


def test_the_console_has_modules_to_check() -> None:
    assert {p.name for p in MODULES} >= {"app.py", "api.py", "statistics.py", "system.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_console_module_imports_no_service_stub_or_launcher(path: Path) -> None:
    reached = imported(path) & FORBIDDEN
    assert not reached, f"{path.relative_to(ROOT)} imports {sorted(reached)}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from csms.edge.v1 import edge_pb2\n"
        "def later():\n    import chargepoint_svc.domain\n"
        "import importlib\nimportlib.import_module('launcher.cli')\n"
    )
    assert imported(module) & FORBIDDEN == {"csms", "chargepoint_svc", "launcher"}
