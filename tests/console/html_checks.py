"""What every console page promises, checked on its parsed HTML (stdlib ``html.parser``):
``<html lang>``, one ``<h1>``, a main landmark, labelled controls, captioned tables with
scoped header cells, no inline script or style (the CSP forbids them), content-hashed static
URLs served immutable, and the CSP header."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx
from starlette.testclient import TestClient


class Page(HTMLParser):
    """What the checks need from one HTML document."""

    CONTROLS = {"input", "select", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.html_lang: str | None = None
        self.h1 = 0
        self.main = 0
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.tables: list[dict[str, Any]] = []
        self.inline_scripts = 0
        self.styled: list[str] = []
        self.urls: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._everywhere(tag, a)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main" or a.get("role") == "main":
            self.main += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        elif tag in self.CONTROLS and a.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append({**a, "_in_label": str("label" in self.stack)})
        elif tag in {"table", "caption", "th"}:
            self._table(tag, a)
        elif tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        elif tag == "form":
            self.forms.append(a)
        if tag not in {"input", "meta", "link", "br", "img", "hr"}:
            self.stack.append(tag)

    def _everywhere(self, tag: str, a: dict[str, str | None]) -> None:
        if "style" in a:
            self.styled.append(tag)
        self.urls += [str(a[name]) for name in ("href", "src") if a.get(name)]

    def _table(self, tag: str, a: dict[str, str | None]) -> None:
        if tag == "table":
            self.tables.append({"caption": False, "th": []})
        elif tag == "caption" and self.stack and self.stack[-1] == "table":
            self.tables[-1]["caption"] = True
        elif tag == "th" and self.tables:
            self.tables[-1]["th"].append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def check_page(response: httpx.Response) -> Page:
    assert response.status_code == 200, response.text[:500]
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = parse(response.text)
    assert page.html_lang, "<html> has no lang"
    assert page.h1 == 1, f"{page.h1} h1 elements"
    assert page.main == 1, "no main landmark"
    for control in page.controls:
        labelled = (
            control.get("aria-label")
            or control.get("aria-labelledby")
            or control.get("id") in page.label_for
            or control["_in_label"] == "True"
        )
        assert labelled, f"control without a label: {control}"
    for table in page.tables:
        assert table["caption"], "a table without a caption"
        assert table["th"], "a table without header cells"
        for th in table["th"]:
            assert th.get("scope") in {"col", "row", "colgroup", "rowgroup"}, th
    assert page.inline_scripts == 0, "an inline script"
    assert page.styled == [], f"style= attributes on {page.styled}"
    statics = [u for u in page.urls if u.startswith("/console/static/")]
    assert statics, "no static file linked"
    for url in statics:
        assert "?v=" in url, f"{url} is not content-hashed"
    return page


def check_statics(client: TestClient, page: Page) -> None:
    for url in {u for u in page.urls if u.startswith("/console/static/")}:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "immutable" in answer.headers["cache-control"], url


def operation_forms(page: Page) -> list[dict[str, str | None]]:
    return [
        f
        for f in page.forms
        if (f.get("method") or "get").lower() == "post" and "/operations/" in str(f.get("action"))
    ]


def attribute_values(html: str, name: str) -> list[str]:
    found: list[str] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(str(v) for k, v in attrs if k == name)

    Finder().feed(html)
    return found
