"""The operator console with a large fleet: how its pages answer while thousands of stations
are connected, and how soon a change reaches an open page.

``python -m bench.console_fleet --count 5000`` starts ``csms up`` on free ports, connects
``count`` idle stations (``csms-sim load --idle``, heartbeating) and a charging subset
(``--charging``, 1.6 and 2.0.1 with meter values every 5 s), then measures, all on this
machine beside the load:

- each console URL an operator uses, requested in turn through Envoy (the page's own time,
  including its API calls): the fleet's first page at 50 and 100 rows, a search, a status
  filter, the tenth page, the counts fragment, one row's fragment, a charging station's page;
- in headless Chromium (Debian's chromium and chromedriver, as the browser tests): the fleet
  page's DOMContentLoaded and load, the time until its live stream is open, and, for new
  stations connecting while the page is open, the time until their row shows them Connected
  (a station registered beforehand, so the filtered page lists it);
- the console process's CPU while a fleet page follows every event of the fleet.

Figures are printed, never asserted (docs/performance.md records them with the command).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from bench import processes
from bench.figures import percentile
from bench.system import Running, csms

BOOT_TIMEOUT = 300.0
REQUESTS = 20
PROBES = 3
CPU_WINDOW = 30.0


def _load(running: Running, work: Path, name: str, *args: str) -> subprocess.Popen[bytes]:
    log = work / f"{name}.log"
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", "load", running.ocpp_url, *args,
             "--duration", "3600", "--prefix", name, "--progress-every", "1"],
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )  # fmt: skip


def _wait_booted(work: Path, name: str, count: int, process: subprocess.Popen[bytes]) -> str:
    """Until every station of ``name`` booted, or all were launched and no more boot for a
    while (a station the CSMS could not admit in time is the subject of benchmark S4, not
    of this one); the last progress line."""
    began = time.monotonic()
    log = work / f"{name}.log"
    last, steady_since = "", time.monotonic()
    while True:
        lines = [line for line in log.read_text(errors="replace").splitlines() if "booted" in line]
        line = lines[-1] if lines else ""
        if f"booted {count} " in line:
            return line
        if process.poll() is not None:
            raise RuntimeError(f"{name} stations exited with {process.returncode}; see {log}")
        booted = line.split("booted ", 1)[-1].split(" ", 1)[0] if line else ""
        if booted != last:
            last, steady_since = booted, time.monotonic()
        elif f"launched {count}/{count}" in line and time.monotonic() - steady_since > 15:
            return line
        if time.monotonic() - began > BOOT_TIMEOUT:
            raise RuntimeError(f"{name} stations did not boot in {BOOT_TIMEOUT:g} s; see {log}")
        time.sleep(0.5)


def _timed(client: httpx.Client, url: str) -> list[float]:
    took = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        reply = client.get(url)
        took.append((time.perf_counter() - began) * 1000)
        if reply.status_code != 200:
            raise RuntimeError(f"GET {url}: {reply.status_code} {reply.text[:300]}")
    return took


def _tenth_page(client: httpx.Client) -> str:
    """The fleet's tenth page, reached as an operator does: by its Next links."""
    url = "/console/?size=50"
    for _ in range(9):
        page = client.get(url).text
        marker = 'rel="next"'
        at = page.find(marker)
        if at < 0:
            return url
        start = page.rfind('href="', 0, at) + len('href="')
        url = page[start : page.find('"', start)].replace("&amp;", "&")
    return url


@contextmanager
def _chromium() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CSMS_TEST_CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,900"):  # fmt: skip
        options.add_argument(flag)
    service = Service(os.environ.get("CSMS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def _until(check: object, within: float = 60.0) -> float:
    began = time.perf_counter()
    while not check():  # type: ignore[operator]
        if time.perf_counter() - began > within:
            raise RuntimeError(f"gave up after {within:g} s")
        time.sleep(0.02)
    return (time.perf_counter() - began) * 1000


def _row_text(driver: webdriver.Chrome, station: str) -> str:
    return str(
        driver.execute_script(
            "for (const r of document.querySelectorAll('#fleet-table tbody tr')) {"
            " const h = r.querySelector('th'); if (h && h.textContent.trim() === arguments[0])"
            " return r.innerText; } return '';",
            station,
        )
    )


def _say(label: str, values: list[float]) -> None:
    print(
        f"console: {label}: p50 {percentile(values, 50):.1f} ms, p95 "
        f"{percentile(values, 95):.1f} ms, mean {statistics.fmean(values):.1f} ms "
        f"({len(values)} requests)",
        flush=True,
    )


def run(count: int, charging: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="bench-console-") as scratch,
        csms(Path(scratch)) as running,
    ):
        work = Path(scratch)
        gateway = f"http://127.0.0.1:{running.env['CSMS_API_GATEWAY_PORT']}"
        # At a pace this machine admits with nothing failing (a storm is benchmark S4's).
        idle = _load(running, work, "FLEET", "--count", str(count), "--idle", "--ramp", "80",
                     "--heartbeat-interval", "60", "--call-timeout", "60")  # fmt: skip
        busy = _load(running, work, "CHG", "--count", str(charging), "--mix", "1.6=70,2.0.1=30",
                     "--ramp", "100", "--meter-interval", "5")  # fmt: skip
        try:
            print(f"console: idle fleet: {_wait_booted(work, 'FLEET', count, idle)}", flush=True)
            print(
                f"console: charging fleet: {_wait_booted(work, 'CHG', charging, busy)}", flush=True
            )
            time.sleep(10)  # the charging ones report their first meter values
            with httpx.Client(base_url=gateway, timeout=60) as client:
                tenth = _tenth_page(client)
                charging_station = "CHG-00001"
                for label, url in (
                    ("fleet, first page of 50", "/console/"),
                    ("fleet, first page of 100", "/console/?size=100"),
                    ("fleet, search by id", "/console/?q=FLEET-01234"),
                    ("fleet, EVSEs Charging or Occupied", "/console/?status=OCCUPIED"),
                    ("fleet, tenth page of 50", tenth),
                    ("fleet counts fragment", "/console/fleet/summary"),
                    ("one row's fragment", "/console/stations/FLEET-00001/row"),
                    ("a charging station's page", f"/console/stations/{charging_station}"),
                ):
                    _say(label, _timed(client, url))
                for i in range(PROBES):
                    client.post("/api/v1/charge-points", json={"id": f"PROBE-{i}"})
            with _chromium() as driver:
                driver.get(f"{gateway}/console/")
                timing = driver.execute_script(
                    "const n = performance.getEntriesByType('navigation')[0];"
                    "return [n.domContentLoadedEventEnd, n.loadEventEnd];"
                )
                live = _until(lambda: driver.find_element("id", "live-status").text == "live")
                print(
                    f"console: Chromium, fleet page of 50: DOMContentLoaded {timing[0]:.0f} ms, "
                    f"load {timing[1]:.0f} ms, live stream open {live:.0f} ms later",
                    flush=True,
                )
                console_pid = running.pids().get("console")
                before = processes.read(console_pid) if console_pid else None
                time.sleep(CPU_WINDOW)
                after = processes.read(console_pid) if console_pid else None
                if before and after:
                    share = (after.cpu_seconds - before.cpu_seconds) / CPU_WINDOW * 100
                    print(f"console: its process's CPU with the fleet page open: {share:.1f} % of "
                          f"one core over {CPU_WINDOW:g} s, RSS {after.rss_bytes / 2**20:.0f} MiB",
                          flush=True)  # fmt: skip
                delays = []
                for i in range(PROBES):
                    station = f"PROBE-{i}"
                    driver.get(f"{gateway}/console/?q={station}")
                    _until(lambda: driver.find_element("id", "live-status").text == "live")
                    command = ["-m", "simulator.cli", station, "1.6", running.ocpp_url, "--stay"]
                    sim = subprocess.Popen(
                        [sys.executable, *command],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    try:
                        began = time.perf_counter()
                        _until(lambda s=station: "Connected" in _row_text(driver, s))
                        delays.append((time.perf_counter() - began) * 1000)
                    finally:
                        sim.terminate()
                        sim.wait(10)
                _say("a new station's row Connected on an open page, from csms-sim's start", delays)
        finally:
            for process in (idle, busy):
                process.terminate()
                process.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_fleet", description=__doc__)
    parser.add_argument("--count", type=int, default=5000, help="idle stations (default 5000)")
    parser.add_argument("--charging", type=int, default=100, help="charging stations (default 100)")
    args = parser.parse_args(argv)
    run(args.count, args.charging)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
