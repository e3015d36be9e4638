"""What `pip install -e .` installs is enough to run: every third-party module the running
code imports (the services, the edge, the launcher, servicekit, the simulator, the SDK and
the console) comes from a distribution in the project's runtime ``dependencies``, not only
from the ``dev`` extra the tests install. (auth_svc's httpx once came from the dev extra alone:
`csms up` then failed on a fresh machine while every test passed.)"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
RUNNING_CODE = (
    "auth_svc",
    "chargepoint_svc",
    "transaction_svc",
    "edge",
    "launcher",
    "servicekit",
    "simulator",
    "csms_client",
    "console",
)
FIRST_PARTY = {*RUNNING_CODE, "csms", "alembic_envs"}


def _runtime_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_normal(Requirement(spec).name) for spec in project["dependencies"]}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _imported_top_levels(package: str) -> dict[str, str]:
    """Top-level module -> the first file importing it, over ``package``'s modules."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _third_party(found: dict[str, str]) -> dict[str, str]:
    return {
        module: where
        for module, where in found.items()
        if module not in sys.stdlib_module_names and module not in FIRST_PARTY
    }


@pytest.mark.parametrize("package", RUNNING_CODE)
def test_running_code_imports_only_runtime_dependencies(package: str) -> None:
    runtime = _runtime_distributions()
    # Distributions the runtime ones install themselves (sqlalchemy[asyncio] brings
    # greenlet, grpcio-tools brings setuptools, ...): required by a runtime one.
    for name in list(runtime):
        requires = metadata.requires(name) or []
        runtime |= {
            _normal(Requirement(spec).name)
            for spec in requires
            if "extra ==" not in spec or "asyncio" in spec
        }
    providers = metadata.packages_distributions()
    missing = {
        module: where
        for module, where in _third_party(_imported_top_levels(package)).items()
        if not {_normal(d) for d in providers.get(module, [])} & runtime
    }
    assert not missing, (
        f"imported by {package} but not a runtime dependency in pyproject.toml: {missing}"
    )


def test_the_check_sees_a_module_only_the_dev_extra_installs() -> None:
    """The check itself: pytest, a dev tool, is not something running code may import."""
    providers = metadata.packages_distributions()
    assert not {_normal(d) for d in providers["pytest"]} & _runtime_distributions()
