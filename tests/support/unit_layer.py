"""What keeps the ``unit`` marker honest: a test marked ``unit`` promises no I/O (no socket, no
database, no subprocess), so while it runs the ways in to each fail at once with
``UnitLayerIO`` instead of quietly reaching a server.

It covers the doors the suite's I/O goes through: a socket's ``connect``/``bind`` (WebSockets,
Redis, HTTP, asyncio servers), ``subprocess.Popen`` (Envoy, the services, ``csms``), a
SQLAlchemy engine (every database, SQLite files included) and gRPC's servers and channels (its
C core opens its own sockets). An in-memory socket pair stays allowed: asyncio's event loop
wakes itself with one. Files are not policed; the rule for them is the marker's description.
"""

from __future__ import annotations

import socket
import subprocess
from typing import NoReturn

import grpc
import pytest
from sqlalchemy.engine.base import Engine
from sqlalchemy.ext.asyncio import AsyncEngine


class UnitLayerIO(AssertionError):
    """A test marked ``unit`` reached for I/O: it belongs to the integration layer (an
    ``AssertionError``, so that no ``except OSError`` under test hides it)."""


def _refuse(door: str) -> object:
    def refused(*args: object, **kwargs: object) -> NoReturn:
        raise UnitLayerIO(f"a test marked unit used {door}: unmark it or fake the I/O")

    return refused


def forbid_io(monkeypatch: pytest.MonkeyPatch) -> None:
    """Close the doors for the rest of the test (``monkeypatch`` reopens them after it)."""
    for name in ("connect", "connect_ex", "bind"):
        monkeypatch.setattr(socket.socket, name, _refuse(f"socket.{name}"))
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("a subprocess"))
    monkeypatch.setattr(Engine, "__init__", _refuse("a database engine"))
    monkeypatch.setattr(AsyncEngine, "__init__", _refuse("a database engine"))
    for module in (grpc, grpc.aio):
        for name in ("server", "insecure_channel", "secure_channel"):
            monkeypatch.setattr(module, name, _refuse(f"grpc.{name}"))
