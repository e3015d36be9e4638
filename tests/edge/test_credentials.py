"""edge.credentials: Basic auth and Envoy's XFCC header, read without a socket."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from websockets.datastructures import Headers

from edge.credentials import (
    Presented,
    basic_credentials,
    client_certificate_cn,
    presented,
    xfcc_fields,
)
from edge.handshake import Refusal

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("xfcc", "expected"),
    [
        (
            'Hash=ab;Subject="CN=CP-1,O=Acme";URI=;DNS=cp1',
            {"hash": "ab", "subject": "CN=CP-1,O=Acme", "uri": "", "dns": "cp1"},
        ),
        # Only the first element: what a proxy before Envoy appended is not ours.
        ('Subject="CN=CP-1",Subject="CN=CP-2"', {"subject": "CN=CP-1"}),
        # A quoted '"' and the subject's own RFC 4514 escapes.
        ('Subject="CN=a\\"b\\+c"', {"subject": 'CN=a"b\\+c'}),
        ('subject="CN=x;y=z"', {"subject": "CN=x;y=z"}),
        ("", {}),
    ],
)
def test_xfcc_fields(xfcc: str, expected: dict[str, str]) -> None:
    assert xfcc_fields(xfcc) == expected


@pytest.mark.parametrize(
    ("xfcc", "expected"),
    [
        ('Subject="CN=CP-1,O=Acme"', "CP-1"),
        ('Subject="O=Acme,CN=CP-1"', "CP-1"),
        ('Subject="CN=a\\+b"', "a+b"),
        ('Subject="O=Acme"', ""),
    ],
)
def test_client_certificate_cn(xfcc: str, expected: str) -> None:
    assert client_certificate_cn(xfcc) == expected


def test_an_unreadable_subject_is_refused() -> None:
    refusal = client_certificate_cn('Subject="not a name"')
    assert isinstance(refusal, Refusal) and refusal.status is HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Basic Q1AtMTpzZWNyZXQ=", ("CP-1", "secret")),
        ("basic   Q1AtMTpzZWNyZXQ=", ("CP-1", "secret")),
        ("Basic Q1AtMTo=", ("CP-1", "")),
    ],
)
def test_basic_credentials(header: str, expected: tuple[str, str]) -> None:
    assert basic_credentials(header) == expected


def test_presented_over_tls() -> None:
    headers = Headers(
        {"X-Forwarded-Proto": "https", "X-Forwarded-Client-Cert": 'Subject="CN=CP-1"'}
    )
    assert presented(headers) == Presented(None, True, "CP-1")
