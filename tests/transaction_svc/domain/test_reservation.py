"""The reservation rules, without storage: validation, reported status, and what a starting
transaction makes of the charge point's reservations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.transaction_factories import (
    T0,
    a_reservation,
    a_reservation_request,
    a_start,
    at,
)
from transaction_svc.domain.authorization import Authorization, AuthorizationStatus
from transaction_svc.domain.reservation import (
    ReservationCheck,
    ReservationQuery,
    ReservationStatus,
    StationUpdate,
    check_start,
)
from transaction_svc.errors import InvalidReservationRequest

pytestmark = pytest.mark.unit


S = ReservationStatus
ACCEPTED = Authorization(AuthorizationStatus.ACCEPTED, at(1000), "GROUP-1")


def test_a_valid_request_passes_and_an_empty_parent_means_none() -> None:
    request = a_reservation_request(parent_id_tag="")
    assert request.checked(T0).parent_id_tag is None
    assert a_reservation_request(evse_id=0).checked(T0).evse_id == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"charge_point_id": ""}, "charge_point_id must not be empty"),
        ({"id_tag": ""}, "id_tag must not be empty"),
        ({"id_tag": "X" * 37}, "id_tag is 37 characters long"),
        ({"parent_id_tag": "P" * 37}, "parent_id_tag has more than 36"),
        ({"evse_id": -1}, "evse_id must not be negative"),
        ({"expires_at": None}, "expires_at must be set"),
        ({"expires_at": T0}, "has already passed"),
        ({"expires_at": at(-1)}, "has already passed"),
    ],
)
def test_wrong_requests_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidReservationRequest, match=message):
        a_reservation_request(**overrides).checked(T0)


def test_an_active_reservation_is_reported_expired_once_its_time_passed() -> None:
    reservation = a_reservation(expires_at=at(60))
    assert reservation.as_of(at(59)).status is S.ACTIVE
    assert reservation.as_of(at(60)).status is S.EXPIRED
    assert reservation.as_of(at(60)).expires_at == at(60)
    # Only ACTIVE ones expire: the others' story has ended.
    for status in (S.PENDING, S.REJECTED, S.CANCELLED, S.USED, S.FAILED):
        assert a_reservation(status=status).as_of(at(999)).status is status


@pytest.mark.parametrize(
    ("answer", "status"),
    [("ACCEPTED", S.ACTIVE), ("OCCUPIED", S.REJECTED), ("FAULTED", S.REJECTED)],
)
def test_the_station_answer_decides(answer: str, status: ReservationStatus) -> None:
    answered = a_reservation(status=S.PENDING, station_status=None).answered(answer, at(1))
    assert (answered.status, answered.station_status, answered.updated_at) == (
        status,
        answer,
        at(1),
    )


def test_failed_cancelled_and_used() -> None:
    pending = a_reservation(status=S.PENDING, station_status=None)
    assert pending.failed(at(1)).status is S.FAILED
    assert a_reservation().cancelled(at(2)).status is S.CANCELLED
    used = a_reservation().used_by(42, at(3))
    assert (used.status, used.transaction_id, used.updated_at) == (S.USED, 42, at(3))


def test_who_may_use_a_reservation() -> None:
    reservation = a_reservation(id_tag="TAG-1", parent_id_tag="GROUP-1")
    assert reservation.admits("TAG-1", None)
    assert reservation.admits("TAG-2", "GROUP-1")
    assert not reservation.admits("TAG-2", "GROUP-2")
    assert not reservation.admits("TAG-2", None)
    without_parent = a_reservation(parent_id_tag=None)
    assert not without_parent.admits("TAG-2", None)


def test_which_evse_a_reservation_holds() -> None:
    assert a_reservation(evse_id=1).holds_evse(1)
    assert not a_reservation(evse_id=1).holds_evse(2)
    assert a_reservation(evse_id=0).holds_evse(2)


def test_a_start_uses_the_reservation_it_names() -> None:
    named = a_reservation(id=5, evse_id=2, id_tag="SOMEONE", parent_id_tag=None)
    check = check_start(a_start(reservation_id=5, evse_id=1), None, [named])
    assert check == ReservationCheck(used=named)


def test_a_named_reservation_that_is_not_in_force_or_of_another_station_is_not_used() -> None:
    for named in (
        a_reservation(id=5, expires_at=T0),
        a_reservation(id=5, status=S.CANCELLED),
        a_reservation(id=5, charge_point_id="CP-2"),
    ):
        check = check_start(a_start(reservation_id=5), None, [named])
        assert check.used is None


def test_a_start_by_the_reserving_tag_ends_the_reservation_of_its_evse() -> None:
    own = a_reservation(id=5, evse_id=1)
    whole = a_reservation(id=4, evse_id=0)
    check = check_start(a_start(evse_id=1), None, [whole, own])
    # The EVSE's own reservation before the charge point's.
    assert check == ReservationCheck(used=own)
    by_parent = check_start(a_start(id_tag="TAG-2"), "GROUP-1", [own])
    assert by_parent == ReservationCheck(used=own)


def test_a_start_on_an_evse_reserved_for_someone_else_conflicts() -> None:
    held = a_reservation(evse_id=1, id_tag="OWNER", parent_id_tag="OWNERS")
    check = check_start(a_start(evse_id=1, id_tag="TAG-1"), "GROUP-1", [held])
    assert check == ReservationCheck(conflict=held)
    whole = a_reservation(evse_id=0, id_tag="OWNER", parent_id_tag=None)
    assert check_start(a_start(evse_id=3), None, [whole]).conflict == whole


def test_no_conflict_with_other_evses_expired_or_other_stations() -> None:
    for reservation in (
        a_reservation(evse_id=2, id_tag="OWNER"),
        a_reservation(id_tag="OWNER", expires_at=T0),
        a_reservation(id_tag="OWNER", charge_point_id="CP-2"),
        a_reservation(id_tag="OWNER", status=S.PENDING),
    ):
        assert check_start(a_start(evse_id=1), None, [reservation]) == ReservationCheck()


def test_expiry_is_judged_at_the_start_time_the_station_reports() -> None:
    reservation = a_reservation(id_tag="OWNER", expires_at=at(10))
    assert check_start(a_start(started_at=at(9)), None, [reservation]).conflict == reservation
    assert check_start(a_start(started_at=at(10)), None, [reservation]).conflict is None


def test_a_conflict_turns_only_an_accepted_tag_invalid() -> None:
    conflict = ReservationCheck(conflict=a_reservation(id_tag="OWNER"))
    decided = conflict.authorization(ACCEPTED)
    assert decided == Authorization(AuthorizationStatus.INVALID, at(1000), "GROUP-1")
    blocked = Authorization(AuthorizationStatus.BLOCKED)
    assert conflict.authorization(blocked) == blocked
    assert ReservationCheck(used=a_reservation()).authorization(ACCEPTED) == ACCEPTED


def test_a_query_matches_by_reported_status() -> None:
    active = a_reservation(id=5, expires_at=at(60))
    assert ReservationQuery(limit=10, status=S.ACTIVE).matches(active, at(59))
    assert not ReservationQuery(limit=10, status=S.ACTIVE).matches(active, at(60))
    assert ReservationQuery(limit=10, status=S.EXPIRED).matches(active, at(60))
    assert not ReservationQuery(limit=10, before_id=5).matches(active, at(0))
    assert ReservationQuery(limit=10, before_id=6, charge_point_id="CP-1").matches(active, at(0))
    assert not ReservationQuery(limit=10, charge_point_id="CP-2").matches(active, at(0))


def test_a_request_by_connector_type_and_token_type() -> None:
    request = a_reservation_request(evse_id=0, connector_type="cCCS2", id_token_type="eMAID")
    assert request.checked(T0) == request
    # 2.1's added words are accepted too (a 2.0.1 station's schema refuses them at the edge).
    assert a_reservation_request(connector_type="cNACS", id_token_type="VIN").checked(T0)
    unset = a_reservation_request(connector_type="", id_token_type=None).checked(T0)
    assert (unset.connector_type, unset.id_token_type) == (None, "ISO14443")
    with pytest.raises(InvalidReservationRequest, match="connector_type 'Type2' is not"):
        a_reservation_request(connector_type="Type2").checked(T0)
    with pytest.raises(InvalidReservationRequest, match="id_token_type 'iso14443' is not"):
        a_reservation_request(id_token_type="iso14443").checked(T0)


@pytest.mark.parametrize(
    ("update", "status"),
    [
        (StationUpdate.EXPIRED, S.EXPIRED),
        (StationUpdate.REMOVED, S.REMOVED),
        (StationUpdate.NO_TRANSACTION, S.REMOVED),
    ],
)
def test_the_station_ends_an_active_reservation(update: StationUpdate, status: S) -> None:
    ended = a_reservation().ended_by_station(update, at(5))
    assert ended is not None
    assert (ended.status, ended.station_update, ended.updated_at) == (status, update, at(5))
    # Stored ACTIVE but past its expiry (reported EXPIRED): the station's word is stored.
    late = a_reservation(expires_at=at(1)).ended_by_station(update, at(5))
    assert late is not None and late.status is status


def test_what_ended_a_reservation_first_stands() -> None:
    for status in (S.USED, S.CANCELLED, S.PENDING, S.REJECTED, S.REMOVED, S.EXPIRED):
        assert a_reservation(status=status).ended_by_station(StationUpdate.EXPIRED, at(5)) is None
