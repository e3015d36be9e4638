"""What a test does when something it needs from the machine is missing.

On a developer's machine the test is skipped with the reason. Where skips are forbidden it
fails instead, so that a run can never pass with part of the suite left out: under CI
(``CI=true``) and whenever ``CSMS_TESTS_FORBID_SKIPS=1``, which ``.ci/run`` sets itself, so a
``.ci/run`` started by hand is held to the same rule. ``tests/conftest.py`` also turns any other
skip into a failed run there.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def skips_forbidden() -> bool:
    """True where no test may be skipped (CI, or ``CSMS_TESTS_FORBID_SKIPS=1``)."""
    return os.environ.get("CI") == "true" or os.environ.get("CSMS_TESTS_FORBID_SKIPS") == "1"


def unavailable(reason: str, remedy: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it with ``remedy`` where skips are forbidden."""
    if skips_forbidden():
        pytest.fail(f"{reason} ({remedy})")
    pytest.skip(reason)
