"""The shell commands of a README section, read as a user would type them, for a test that
runs them in order.

Only what the README uses is understood, and anything else is an error, so a new kind of
command in the README fails the test rather than being skipped: ``NAME=value``,
``NAME=$(pipeline)``, pipelines of ``curl``, ``python3 -c`` and ``csms-sim``, ``$NAME``
outside single quotes, lines continued with ``\\`` or inside an open quote, and a trailing
``# comment`` whose leading JSON object, if any, is (part of) the answer the README shows.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

FENCE = "```"
_ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*)=(.*)$", re.DOTALL)
_SUBSTITUTION = re.compile(r"^\$\((.*)\)$", re.DOTALL)
_VARIABLE = re.compile(r"\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Command:
    """One command line: ``text`` without its comment; ``claim`` the JSON object the
    comment starts with, if it does."""

    text: str
    comment: str
    claim: dict[str, Any] | None

    @property
    def assignment(self) -> tuple[str, str] | None:
        """``(NAME, value)`` of ``NAME=value``, the value as written."""
        found = _ASSIGNMENT.match(self.text)
        return None if found is None else (found[1], found[2])


def section(readme: str, heading: str) -> str:
    """The text under ``## heading`` up to the next ``## `` heading."""
    start = readme.index(f"\n## {heading}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : None if end < 0 else end]


def shell_blocks(text: str) -> list[str]:
    """The bodies of the ```sh blocks in ``text``, in order."""
    blocks: list[str] = []
    lines: list[str] | None = None
    for line in text.splitlines():
        if lines is None and line.strip() == f"{FENCE}sh":
            lines = []
        elif lines is not None and line.strip() == FENCE:
            blocks.append("\n".join(lines))
            lines = None
        elif lines is not None:
            lines.append(line)
    return blocks


def commands(block: str) -> Iterator[Command]:
    """Each command of a block, its continuation lines joined."""
    pending = ""
    for line in block.splitlines():
        pending = f"{pending}\n{line}" if pending else line
        code, comment = split_comment(pending)
        if _open_quote(code) or code.rstrip().endswith("\\"):
            continue
        if code.strip():
            yield Command(_joined(code), comment, claim_of(comment))
        pending = ""
    if pending.strip():
        raise ValueError(f"unfinished command at the end of a block: {pending!r}")


def split_comment(line: str) -> tuple[str, str]:
    """``(code, comment)``: the comment starts at a ``#`` that begins a word outside
    quotes and runs to the end of the text."""
    for i, char, quote in _scan(line):
        if char == "#" and not quote and (i == 0 or line[i - 1].isspace()):
            return line[:i], line[i + 1 :].strip()
    return line, ""


def claim_of(comment: str) -> dict[str, Any] | None:
    if not comment.startswith("{"):
        return None
    value, _end = json.JSONDecoder().raw_decode(comment)
    if not isinstance(value, dict):
        raise ValueError(f"a claim must be a JSON object: {comment!r}")
    return value


def expand(text: str, variables: Mapping[str, str]) -> str:
    """``$NAME`` replaced outside single quotes, as a shell does; an unset name is an
    error (the README must set what it uses)."""
    parts = text.split("'")
    for i in range(0, len(parts), 2):
        parts[i] = _VARIABLE.sub(lambda found: variables[found[1]], parts[i])
    return "'".join(parts)


def substitution(value: str) -> str | None:
    """The pipeline inside ``$(...)``, or None when ``value`` is not one."""
    found = _SUBSTITUTION.match(value.strip())
    return None if found is None else found[1]


def pipeline(text: str) -> list[list[str]]:
    """The words of each stage of ``a | b | c``."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for word in lexer:
        if word == "|":
            stages.append([])
        else:
            stages[-1].append(word)
    if any(not stage for stage in stages):
        raise ValueError(f"an empty stage in {text!r}")
    return stages


def is_subset(claim: Any, answer: Any) -> bool:
    """Every field the claim shows has that value in the answer (objects recursively)."""
    if isinstance(claim, dict):
        return isinstance(answer, dict) and all(
            key in answer and is_subset(value, answer[key]) for key, value in claim.items()
        )
    return bool(claim == answer)


def _open_quote(code: str) -> bool:
    """Whether ``code`` ends inside a quote (the command goes on on the next line)."""
    states = [quote for _i, _char, quote in _scan(code)]
    return bool(states and states[-1])


def _scan(text: str) -> Iterator[tuple[int, str, str]]:
    """Each unescaped character with its index and the quote open after it ("" outside,
    ``'`` or ``"``). Backslash escapes the next character outside single quotes, as in a
    shell."""
    quote = ""
    escaped = False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
            continue
        if char == "\\" and quote != "'":
            escaped = True
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        yield i, char, quote


def _joined(code: str) -> str:
    """Continuation backslash-newlines removed; newlines inside quotes kept."""
    return code.replace("\\\n", " ").strip()
