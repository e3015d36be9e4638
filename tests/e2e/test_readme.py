"""The README's "Quick start" and "Operating charge points", run top to bottom as a new
user runs them: ``csms up`` (here on free ports), ``csms-sim SIM001 1.6``, then
``csms-sim CP-1 1.6 --stay`` and every command of the section in order, then the same for a
2.0.1 station (``csms-sim CP-2 2.0.1 --stay``) and the 2.x section.

``curl`` becomes an HTTP request to the test system's port for localhost:3000, 4000 or
4001; ``python3 -c`` runs with this Python where ``csms up`` keeps its data (``.csms``);
``csms-sim`` connects to the test system. Every request must answer 2xx, and where the
README's comment shows an answer (``# {"status":"ACCEPTED"}``) the answer must hold it.
The test waits for the station only where a user would: after a command that makes it
reconnect, until it has booted again, and for a listing the previous command fills a
moment later, until it does.
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.readme_commands import (
    Command,
    commands,
    expand,
    is_subset,
    pipeline,
    section,
    shell_blocks,
    substitution,
)
from tests.support.stations import StayingStation, staying_station
from tests.support.system import System
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
SECTIONS = ("Quick start", "Operating charge points", "Operating OCPP 2.0.1 and 2.1 stations")
# What the README's commands make the station do that it must recover from before the
# next one: it reboots (Reset) or loses its socket, then connects and boots again.
RECONNECTING = (("POST", "/reset"), ("DELETE", "/connections/"))
TIMEOUT = 40.0


@dataclass
class Shell:
    """The state of the user's terminal: variables, the directory where ``csms up`` ran,
    the staying station, and the answer of the command's first ``curl``."""

    system: System
    workdir: Path
    stack: ExitStack
    variables: dict[str, str] = field(default_factory=dict)
    station: StayingStation | None = None
    shown: list[httpx.Response] = field(default_factory=list)

    def url(self, text: str) -> str:
        ports = {
            "http://localhost:3000": self.system.api_gateway,
            "http://localhost:4000": self.system.gateway,
            "http://localhost:4001": self.system.api,
        }
        for readme, test in ports.items():
            if text.startswith(readme):
                return test + text[len(readme) :]
        raise AssertionError(f"the README names a URL the test does not know: {text}")

    def run(self, command: Command) -> None:
        assignment = command.assignment
        if assignment is not None:
            name, value = assignment
            inner = substitution(value)
            if inner is None:
                self.variables[name] = expand(value, self.variables)
                return
            self.variables[name] = self.capture(inner)
            return
        self.pipe(expand(command.text, self.variables))

    def capture(self, text: str) -> str:
        """``$(pipeline)``: its output. A listing that is empty a moment after the command
        that fills it (the station starts the transaction after it answered) is read again,
        as a user would; only a pipeline of GETs is repeated."""
        expanded = expand(text, self.variables)
        if not all(_method(stage) == "GET" for stage in pipeline(expanded) if stage[0] == "curl"):
            return self.pipe(expanded).strip()

        def attempt() -> str | None:
            try:
                return self.pipe(expanded).strip() or None
            except PipelineFailed:
                return None

        return eventually(attempt, within=TIMEOUT, what=f"the output of {text!r}")

    def pipe(self, text: str) -> str:
        self.shown = []
        data = ""
        for stage in pipeline(text):
            program, arguments = stage[0], stage[1:]
            if program == "curl":
                data = self.curl(arguments, data)
            elif program == "python3":
                data = self.python(arguments, data)
            elif program == "csms-sim":
                self.simulate(arguments)
            else:
                raise AssertionError(f"the README runs {program}, which the test does not know")
        return data

    def curl(self, arguments: list[str], stdin: str) -> str:
        method, url, body, headers = "", "", None, {}
        words = iter(arguments)
        for word in words:
            if word == "-X":
                method = next(words)
            elif word == "-d":
                body = next(words)
                body = stdin if body == "@-" else body
                # curl -d sends this content type; the gateway must take JSON anyway.
                headers["content-type"] = "application/x-www-form-urlencoded"
            elif word == "-s":
                continue
            elif word.startswith("-"):
                raise AssertionError(f"curl option {word} is not known to the test")
            else:
                url = self.url(word)
        method = method or ("POST" if body is not None else "GET")
        settled = self.station.settled_count() if self.station else 0
        reply = httpx.request(method, url, content=body, headers=headers, timeout=TIMEOUT)
        self.shown.append(reply)
        if not reply.is_success:
            raise PipelineFailed(f"{method} {url} answered {reply.status_code}: {reply.text}")
        if self.station and _reconnects(method, url, body):
            self.station.wait_settled(settled + 1)
        return reply.text

    def python(self, arguments: list[str], stdin: str) -> str:
        assert arguments[:1] == ["-c"] and len(arguments) == 2, arguments
        result = subprocess.run(
            [sys.executable, "-c", arguments[1]],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.workdir,
            timeout=TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise PipelineFailed(f"python3 -c failed on {stdin!r}: {result.stderr}")
        return result.stdout

    def simulate(self, arguments: list[str]) -> None:
        """``csms-sim ID VERSION``: its session to the end; with ``--stay`` it stays,
        as in the user's second terminal."""
        charge_point_id, version, *options = arguments
        if "--stay" in options:
            options.remove("--stay")
            self.station = self.stack.enter_context(
                staying_station(self.system, charge_point_id, version, *options)
            )
            return
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                charge_point_id,
                version,
                self.system.ocpp_url,
                *options,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


class PipelineFailed(AssertionError):
    """A stage of a README command failed (non-2xx answer, or a Python error)."""


def _reconnects(method: str, url: str, body: str | None) -> bool:
    """Whether the command makes the station reconnect; a reset of one EVSE (OCPP 2.x
    B11/B12 evseId) restarts only that EVSE."""
    if body is not None and '"evseId"' in body and url.endswith("/reset"):
        return False
    return any(method == verb and part in url for verb, part in RECONNECTING)


def _method(stage: list[str]) -> str:
    if "-X" in stage:
        return stage[stage.index("-X") + 1]
    return "POST" if "-d" in stage else "GET"


def readme_commands() -> list[Command]:
    readme = README.read_text()
    return [
        command
        for heading in SECTIONS
        for block in shell_blocks(section(readme, heading))
        for command in commands(block)
    ]


def test_the_readme_sections_work_in_order(system: System, tmp_path: Path) -> None:
    # Where the user ran `csms up`: its data is in ./.csms.
    (tmp_path / ".csms").symlink_to(system.env["CSMS_DATA_DIR"])
    done: list[str] = []
    with ExitStack() as stack:
        shell = Shell(system, tmp_path, stack)
        for command in readme_commands():
            try:
                shell.run(command)
                if command.claim is not None:
                    assert shell.shown, f"a claim on a command without curl: {command.text}"
                    answer = shell.shown[0].json()
                    assert is_subset(command.claim, answer), (
                        f"the README shows {command.claim}, the answer was {answer}"
                    )
            except AssertionError as failure:
                station = shell.station.log() if shell.station else ""
                raise AssertionError(
                    f"README command failed: {command.text}\n{failure}\n"
                    f"after: {done}\n--- station ---\n{station}\n--- csms up ---\n"
                    f"{system.log()[-5000:]}"
                ) from None
            done.append(command.text.split("\n")[0][:60])
    assert len(done) > 30, done


def test_start_up_prints_no_migration_chatter_before_the_banner(system: System) -> None:
    """`csms up` on a new data directory: one line per migrated service, then the banner."""
    before = system.log().split("CSMS is up.")[0]
    assert "logger=alembic" not in before, before
    assert before.count("migrated ") == 3, before


def test_the_readme_run_command_installs_only_what_running_needs() -> None:
    """Running the system needs no development tools; the test command does, and it is
    the line .ci/run runs."""
    readme = README.read_text()
    run = shell_blocks(readme[: readme.index("**Run the tests**")])[-1]
    assert "pip install -e ." in run and "[dev]" not in run, run
    tests = shell_blocks(readme[readme.index("**Run the tests**") :])[0]
    ci = (README.parent / ".ci" / "run").read_text()
    marker = '# Keep this line identical to the README\'s "Run the tests" command.\n'
    ci_line = ci[ci.index(marker) + len(marker) :].splitlines()[0]
    assert ci_line.replace("pip install -q ", "pip install ") in tests, (ci_line, tests)
