"""When an operator's registration change makes the station boot now."""

from __future__ import annotations

import pytest

from chargepoint_svc.domain.charge_point import RegistrationStatus
from chargepoint_svc.domain.registration import boot_now

pytestmark = pytest.mark.unit

A, P, R = RegistrationStatus.ACCEPTED, RegistrationStatus.PENDING, RegistrationStatus.REJECTED


@pytest.mark.parametrize(
    ("previous", "new", "expected"),
    [
        (P, A, True),
        (R, A, True),
        (A, A, False),
        (A, P, False),
        (A, R, False),
        (P, R, False),
        (R, P, False),
        (P, P, False),
    ],
)
def test_only_an_acceptance_of_a_station_not_accepted_boots_it_now(
    previous: RegistrationStatus, new: RegistrationStatus, expected: bool
) -> None:
    assert boot_now(previous, new) is expected
