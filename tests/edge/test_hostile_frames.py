"""Hostile frames sent to a real edge over real sockets: each gets a defined answer (a
CALLERROR that says why, or a close code), the station's later messages are still
served, other stations are not disturbed, and nothing reaches the services.

What the edge answers (README "Hostile input"):

- a message over CSMS_MAX_MESSAGE_BYTES, in one frame or in fragments: close 1009;
- text that is not UTF-8: close 1007 (RFC 6455 §8.1, websockets);
- JSON nested deeper than edge.framing.MAX_DEPTH, NaN/Infinity, a lone surrogate or NUL
  in a string: the CALLERROR of unparsable JSON (1.6 FormationViolation, 2.x
  RpcFrameworkError);
- an integer outside OCPP's 32 bits: TypeConstraintViolation naming the field;
- a binary frame: read as the UTF-8 text it holds (OCPP-J names no frame type);
- a second CALL before the first is answered: answered after it, in order.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from edge import framing
from edge.server import RunningEdge
from tests.edge.support.hostile import (
    CLOSE,
    CONTINUATION,
    HEARTBEAT_ID,
    NOW,
    TEXT,
    UNREADABLE,
    _call,
    _connect,
    _nested,
    answers_until_probe,
    client_frame,
    close_code,
    closed_with,
    raw_station,
    server_frames,
)
from tests.edge.v16.test_session import station
from tests.support.fake_services import Fakes


async def test_a_message_over_the_limit_in_fragments_closes_with_1009(
    edge: RunningEdge, fakes: Fakes
) -> None:
    async with station(edge, "/ocpp/BYSTANDER") as bystander:
        async with station(edge) as cp:
            # Small fragments of a DataTransfer: reassembled, it passes 65536 bytes.
            frame = json.dumps([2, "frag", "DataTransfer", {"vendorId": "v", "data": "x" * 70_000}])
            await cp.connection.send([frame[i : i + 8000] for i in range(0, len(frame), 8000)])
            assert await closed_with(cp.connection) == 1009
        # The same message in fragments under the limit is one message.
        async with station(edge) as cp:
            frame = json.dumps([2, "ok", "DataTransfer", {"vendorId": "v", "data": "x" * 20_000}])
            await cp.connection.send([frame[i : i + 8000] for i in range(0, len(frame), 8000)])
            reply = json.loads(await asyncio.wait_for(cp.connection.recv(), 10))
            assert reply[:2] == [3, "ok"]
        await bystander.still_works()
    assert [len(r.data) for r in fakes.recorder.requests("RecordDataTransfer")] == [20_000]


@pytest.mark.parametrize(
    ("version", "depth", "answer"),
    [
        # Frame, payload, then `data` nested: 2 + 30 = 32 levels, the most the edge reads.
        ("2.0.1", 30, "CALLRESULT"),
        ("2.0.1", 31, "too deep"),
        ("1.6", 31, "too deep"),
        # Deeper than Python's JSON decoder goes (RecursionError), still under 64 KiB.
        ("1.6", 30_000, "too deep"),
        ("2.0.1", 30_000, "too deep"),
        # 100,000 levels are 200,000 bytes: the size limit comes first.
        ("2.0.1", 100_000, "1009"),
    ],
)
async def test_deeply_nested_json(
    open_edge: RunningEdge, fakes: Fakes, version: str, depth: int, answer: str
) -> None:
    payload = '{"vendorId": "v", "data": ' + _nested(depth) + "}"
    frame = f'[2, "deep", "DataTransfer", {payload}]'
    async with _connect(open_edge, version) as ws:
        await ws.send(frame)
        if answer == "1009":
            assert await closed_with(ws) == 1009
        else:
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if answer == "CALLRESULT":
                assert reply[:2] == [3, "deep"]
            else:
                assert reply[:3] == [4, "deep", UNREADABLE[version]]
                assert f"more than {framing.MAX_DEPTH} levels deep" in reply[3]
            assert (await answers_until_probe(ws))[-1][0] == 3
    stored = fakes.recorder.requests("RecordDataTransfer")
    assert len(stored) == (1 if answer == "CALLRESULT" else 0)


@pytest.mark.parametrize(
    ("version", "frame", "words"),
    [
        ("1.6", '[2, "n", "Heartbeat", {"x": NaN}]', "NaN, Infinity"),
        ("2.0.1", '[2, "n", "DataTransfer", {"vendorId": "v", "data": [Infinity]}]', "NaN"),
        ("2.0.1", '[2, "n", "DataTransfer", {"vendorId": "v", "data": -1e400}]', "±1.8e308"),
        (
            "2.0.1",
            '[2, "n", "MeterValues", {"evseId": 1, "meterValue": [{"timestamp": "'
            + NOW
            + '", "sampledValue": [{"value": NaN}]}]}]',
            "NaN",
        ),
        (
            "1.6",
            '[2, "n", "BootNotification", {"chargePointVendor": "\\ud800", '
            '"chargePointModel": "m"}]',
            "lone UTF-16 surrogate",
        ),
        (
            "1.6",
            '[2, "n", "BootNotification", {"chargePointVendor": "a\\u0000b", '
            '"chargePointModel": "m"}]',
            "NUL character",
        ),
        ("2.0.1", '[2, "n", "DataTransfer", {"vendorId": "v", "data": {"\\udfff": 1}}]', "NUL"),
        ("1.6", '[2, "n", "Heartbeat", {"x": ' + "9" * 5000 + "}]", "more than 4300 digits"),
    ],
)
async def test_json_the_csms_cannot_carry_is_refused(
    open_edge: RunningEdge, fakes: Fakes, version: str, frame: str, words: str
) -> None:
    async with _connect(open_edge, version) as ws:
        await ws.send(frame)
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert reply[:3] == [4, "n", UNREADABLE[version]]
        assert words in reply[3]
        assert (await answers_until_probe(ws))[-1][0] == 3
    assert fakes.recorder.methods() == ["RecordHeartbeat"]


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
@pytest.mark.parametrize("unique_id", ["", "u" * 37, "u" * 5000])
async def test_a_call_whose_unique_id_is_empty_or_over_36_characters_is_refused(
    open_edge: RunningEdge, fakes: Fakes, version: str, unique_id: str
) -> None:
    """OCPP-J 1.6 §4.1.4, 2.0.1 Part 4 §4.1.4: the id is a string of at most 36
    characters. The CALLERROR carries "-1": echoing the id would break the rule again."""
    async with _connect(open_edge, version) as ws:
        await ws.send(json.dumps([2, unique_id, "Heartbeat", {}]))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert reply[:3] == [4, "-1", UNREADABLE[version]]
        assert f"uniqueId must be 1 to 36 characters, got {len(unique_id)}" in reply[3]
        await ws.send(json.dumps([2, "u" * 36, "Heartbeat", {}]))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert answer[:2] == [3, "u" * 36]
    assert fakes.recorder.methods() == ["RecordHeartbeat"]


@pytest.mark.parametrize(
    ("version", "frame", "field"),
    [
        (
            "1.6",
            _call("StartTransaction", connectorId=2**40, idTag="T", meterStart=0, timestamp=NOW),
            "connectorId: 1099511627776",
        ),
        (
            "1.6",
            _call("StopTransaction", transactionId=2**63, meterStop=1, timestamp=NOW),
            "transactionId: 9223372036854775808",
        ),
        (
            "2.0.1",
            _call(
                "StatusNotification",
                timestamp=NOW,
                connectorStatus="Available",
                evseId=2**33,
                connectorId=1,
            ),
            "evseId: 8589934592",
        ),
        (
            "2.0.1",
            _call(
                "MeterValues",
                evseId=-(2**31) - 1,
                meterValue=[{"timestamp": NOW, "sampledValue": [{"value": 1}]}],
            ),
            "evseId: -2147483649",
        ),
    ],
)
async def test_integers_beyond_32_bits_are_a_type_constraint_violation(
    open_edge: RunningEdge, fakes: Fakes, version: str, frame: str, field: str
) -> None:
    async with _connect(open_edge, version) as ws:
        await ws.send(frame)
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert reply[:3] == [4, "big", "TypeConstraintViolation"]
        assert f"{field} is outside OCPP's 32-bit integer range" in reply[3]
    assert fakes.recorder.calls == []


async def test_invalid_utf8_in_a_text_frame_closes_with_1007(edge: RunningEdge) -> None:
    async with station(edge, "/ocpp/BYSTANDER") as bystander:
        async with raw_station(edge) as (reader, writer):
            writer.write(client_frame(TEXT, b'[2, "u", "Heartbeat", {"a": "\xff\xfe"}]'))
            frames = await asyncio.wait_for(server_frames(reader), 10)
        assert [(op, close_code(data)) for op, data in frames] == [(CLOSE, 1007)]
        # Split inside a character across two fragments: the same.
        async with raw_station(edge) as (reader, writer):
            text = '[2, "u", "Heartbeat", {"a": "é"}]'.encode()
            cut = text.index(b"\xc3") + 1
            writer.write(client_frame(TEXT, text[:cut], fin=False))
            writer.write(client_frame(CONTINUATION, b"\xff" + text[cut + 1 :]))
            frames = await asyncio.wait_for(server_frames(reader), 10)
        assert [(op, close_code(data)) for op, data in frames] == [(CLOSE, 1007)]
        await bystander.still_works()


async def test_binary_frames_are_read_as_the_text_they_hold(edge: RunningEdge) -> None:
    async with station(edge) as cp:
        await cp.connection.send(b'[2, "bin", "Heartbeat", {}]')
        reply = await asyncio.wait_for(cp.connection.recv(), 10)
        assert isinstance(reply, str)  # answered in a text frame
        assert json.loads(reply)[:2] == [3, "bin"]
        await cp.connection.send(b"\x89PNG\r\n\x1a\n\xff")
        reply = json.loads(await asyncio.wait_for(cp.connection.recv(), 10))
        assert reply == [4, "-1", "FormationViolation", "the frame is not UTF-8 text", {}]
        await cp.still_works()


async def test_calls_sent_before_the_first_is_answered_are_answered_in_order(
    open_edge: RunningEdge, fakes: Fakes
) -> None:
    async with _connect(open_edge, "1.6") as ws:
        calls = [
            ("BootNotification", {"chargePointVendor": "V", "chargePointModel": "M"}),
            ("Authorize", {"idTag": "T"}),
            ("Heartbeat", {"bad": 1}),
            (
                "StatusNotification",
                {"connectorId": 1, "errorCode": "NoError", "status": "Charging"},
            ),
            ("Heartbeat", {}),
        ] * 4
        # No waiting between CALLs: OCPP-J §4.1.1 says a station should not do this.
        for i, (action, payload) in enumerate(calls):
            await ws.send(json.dumps([2, f"c{i}", action, payload]))
        replies = [json.loads(await asyncio.wait_for(ws.recv(), 10)) for _ in calls]
    assert [r[1] for r in replies] == [f"c{i}" for i in range(len(calls))]
    assert [r[0] for r in replies] == [3, 3, 4, 3, 3] * 4
    # The services saw them in the order the station sent them.
    assert (
        fakes.recorder.methods()
        == [
            "RecordBoot",
            "Authorize",
            "RecordConnectorStatus",
            "RecordHeartbeat",
        ]
        * 4
    )


async def test_refusals_are_counted_by_code(open_edge: RunningEdge) -> None:
    async with _connect(open_edge, "2.0.1") as ws:
        for frame in (_nested(40), '[2, "x", "Heartbeat", {"a": NaN}]', '[3, "r", {]'):
            await ws.send(frame)
        answers = await answers_until_probe(ws)
    # The CALLRESULT-looking frame is not answered (answering a response could loop).
    assert [a[:3] for a in answers] == [
        [4, "-1", "RpcFrameworkError"],
        [4, "x", "RpcFrameworkError"],
        [3, HEARTBEAT_ID, answers[-1][2]],
    ]
    figures = open_edge.statistics.figures()
    assert figures.call_errors_by_code == {"RpcFrameworkError": 2}
    assert figures.messages_received == 4


# --- properties: whatever a station sends, it gets a defined answer ------------------
