"""console/static/vendor/ holds the console's front-end libraries as pinned single files, and
manifest.json says what each one is: every file listed is there with its recorded sha256, every
file there is listed, each name has its licence text (``LICENSE-<name>.txt``, from the package
tarball) and each file name carries the version the manifest gives. How to update them:
docs/console-assets.md."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "console" / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
KEYS = {"file", "name", "version", "source", "sha256", "licence"}
SOURCE_KEYS = {"tarball", "integrity", "path"}
# A phrase of each licence's text, so the SPDX id recorded agrees with the text shipped.
LICENCE_PHRASES = {
    "0BSD": "Permission to use, copy, modify, and/or distribute this software for",
    "MIT": "Permission is hereby granted, free of charge",
}


def _manifest() -> list[dict[str, Any]]:
    entries = json.loads(MANIFEST.read_text())
    assert isinstance(entries, list)
    return entries


def _licence_file(name: str) -> Path:
    return VENDOR / f"LICENSE-{name}.txt"


def _is_bookkeeping(path: Path) -> bool:
    return path == MANIFEST or (path.name.startswith("LICENSE-") and path.suffix == ".txt")


ENTRIES = _manifest()


def test_the_manifest_lists_the_libraries_the_console_needs() -> None:
    assert {entry["name"] for entry in ENTRIES} >= {"htmx", "htmx-ext-sse", "uPlot"}


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["file"] for entry in ENTRIES])
def test_a_listed_file_is_there_with_its_checksum(entry: dict[str, Any]) -> None:
    assert set(entry) == KEYS, f"manifest entry keys: {sorted(entry)}"
    assert set(entry["source"]) == SOURCE_KEYS, f"source keys: {sorted(entry['source'])}"
    path = VENDOR / entry["file"]
    assert path.is_file(), f"{entry['file']} is in the manifest but not in {VENDOR}"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == entry["sha256"], f"{entry['file']} has changed since it was vendored"


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["file"] for entry in ENTRIES])
def test_a_file_name_carries_the_version_it_came_from(entry: dict[str, Any]) -> None:
    version = entry["version"]
    assert entry["file"].startswith(f"{entry['name']}-{version}."), (
        f"{entry['file']}: expected {entry['name']}-{version}.<suffix>"
    )
    source = entry["source"]
    assert source["tarball"].startswith("https://registry.npmjs.org/")
    assert source["tarball"].endswith(f"-{version}.tgz"), source["tarball"]
    assert source["path"].startswith("package/"), source["path"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["file"] for entry in ENTRIES])
def test_a_listed_file_has_its_licence_text(entry: dict[str, Any]) -> None:
    licence = _licence_file(entry["name"])
    assert licence.is_file(), f"{entry['file']} has no {licence.name}"
    phrase = LICENCE_PHRASES.get(entry["licence"])
    assert phrase is not None, f"{entry['licence']}: add a phrase of its text to LICENCE_PHRASES"
    text = " ".join(licence.read_text().split())
    assert phrase in text, f"{licence.name} is not the {entry['licence']} licence"


def test_every_vendored_file_is_in_the_manifest() -> None:
    listed = {entry["file"] for entry in ENTRIES}
    present = {path.name for path in VENDOR.iterdir() if not _is_bookkeeping(path)}
    assert present - listed == set(), "vendored but not in manifest.json"


def test_every_licence_file_belongs_to_a_listed_library() -> None:
    names = {entry["name"] for entry in ENTRIES}
    licences = {path.name for path in VENDOR.glob("LICENSE-*.txt")}
    assert licences == {_licence_file(name).name for name in names}
