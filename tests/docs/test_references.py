"""Every reference a reader may follow leads somewhere: a citation of a document's section
("docs/design.md §3", in code, configuration or prose) names a file of the repository that
has that numbered section, and a Markdown link names a file that exists, with the heading
its anchor points at."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".proto", ".toml", ".ini", ".txt"}
# "docs/design.md §3", "docs/design.md §3-4", "[docs/design.md](design.md) §4": the path as
# seen from the repository's root.
CITATION = re.compile(
    r"(?P<path>[\w./-]+\.md)(?:\]\([^)]*\))? §(?P<first>\d+)(?:[-\u2013](?P<last>\d+))?"
)
LINK = re.compile(r"\[[^\]\n]*\]\((?P<target>[^)\s]+)\)")
NUMBERED_HEADING = re.compile(r"^#+ (\d+)\.", re.MULTILINE)
HEADING = re.compile(r"^#+ (.+?)\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _tracked() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if Path(name).suffix in TEXT_SUFFIXES or Path(name).name in {"Dockerfile", "Makefile"}
    ]


def _slug(heading: str) -> str:
    """The anchor a heading gets on GitHub: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"`|\*|_(?=\W)|\[|\]\([^)]*\)", "", heading).strip().lower()
    return re.sub(r" ", "-", re.sub(r"[^\w\- ]", "", text))


def _citations() -> list[tuple[str, str, int]]:
    found = []
    for path in _tracked():
        text = path.read_text(errors="replace")
        for match in CITATION.finditer(text):
            first = int(match["first"])
            last = int(match["last"] or first)
            line = text.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(ROOT)}:{line}"
            found += [(where, match["path"], number) for number in range(first, last + 1)]
    return found


def _links() -> list[tuple[str, Path, str]]:
    found = []
    for path in _tracked():
        if path.suffix != ".md":
            continue
        text = FENCE.sub("", path.read_text(errors="replace"))
        for match in LINK.finditer(text):
            target = match["target"]
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto: ...
            file_part, _, anchor = target.partition("#")
            resolved = (path.parent / file_part).resolve() if file_part else path
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(ROOT)}:{line}", resolved, anchor))
    return found


def test_there_are_citations_and_links_to_check() -> None:
    assert any(cited == "docs/design.md" for _, cited, _ in _citations())
    assert len(_links()) > 20


@pytest.mark.parametrize(("where", "cited", "section"), _citations())
def test_a_cited_section_exists(where: str, cited: str, section: int) -> None:
    document = ROOT / cited
    assert document.is_file(), f"{where} cites {cited}, which is not in the repository"
    numbers = {int(n) for n in NUMBERED_HEADING.findall(document.read_text())}
    assert section in numbers, f"{where} cites {cited} §{section}, which has no such section"


@pytest.mark.parametrize(("where", "target", "anchor"), _links())
def test_a_link_leads_to_a_file_and_heading_that_exist(
    where: str, target: Path, anchor: str
) -> None:
    assert target.exists(), f"{where} links to {target}, which does not exist"
    if anchor and target.suffix == ".md":
        slugs = {_slug(heading) for heading in HEADING.findall(FENCE.sub("", target.read_text()))}
        assert anchor in slugs, f"{where} links to #{anchor}, not a heading of {target.name}"
