"""OCPP 2.x words the services store and check without depending on one OCPP version: the
types of id tokens and of connectors. Pure.

OCPP 2.0.1 closes both as schema enums (Part 2 §3: IdTokenEnumType, ConnectorEnumType);
OCPP 2.1 widens both fields to strings of at most 20 characters whose standard values are
listed in its appendix (IdTokenEnumStringType, ConnectorEnumStringType). The sets below are
the union: a value only 2.1 knows is refused by a 2.0.1 station's schema at the edge, with
the schema's message.
"""

from __future__ import annotations

# IdTokenEnumType (2.0.1) and the IdTokenEnumStringType values 2.1 adds.
ID_TOKEN_TYPES_201 = frozenset(
    {
        "Central",
        "eMAID",
        "ISO14443",
        "ISO15693",
        "KeyCode",
        "Local",
        "MacAddress",
        "NoAuthorization",
    }
)
ID_TOKEN_TYPES = ID_TOKEN_TYPES_201 | {"DirectPayment", "EVCCID", "VIN"}

# The type of an id tag stored without one (every id tag stored before types were, and a
# 1.6 idTag): an RFID card's UID, OCPP 1.6 §3.9's usual id tag.
DEFAULT_ID_TOKEN_TYPE = "ISO14443"

# ConnectorEnumType (2.0.1) and the ConnectorEnumStringType values 2.1 adds.
CONNECTOR_TYPES_201 = frozenset(
    {
        "cCCS1",
        "cCCS2",
        "cChaoJi",
        "cG105",
        "cGBT",
        "cTesla",
        "cType1",
        "cType2",
        "s309-1P-16A",
        "s309-1P-32A",
        "s309-3P-16A",
        "s309-3P-32A",
        "sBS1361",
        "sCEE-7-7",
        "sType2",
        "sType3",
        "OppCharge",
        "Other1PhMax16A",
        "Other1PhOver16A",
        "Other3Ph",
        "Pan",
        "wInductive",
        "wResonant",
        "Undetermined",
        "Unknown",
    }
)
CONNECTOR_TYPES = CONNECTOR_TYPES_201 | {
    "bBatterySlot",
    "cCCS1-NACS",
    "cGBT-DC",
    "cLECCS",
    "cMCS",
    "cNACS",
    "cNACS-CCS1",
    "cUltraChaoJi",
    "sType1",
}


def id_token_type_problem(value: str, field: str) -> str | None:
    """Why ``value`` is no id token type (a message naming ``field``), or None."""
    if value in ID_TOKEN_TYPES:
        return None
    return (
        f"{field} {value!r} is not an OCPP id token type; use one of "
        f"{', '.join(sorted(ID_TOKEN_TYPES))}"
    )


def connector_type_problem(value: str, field: str) -> str | None:
    """Why ``value`` is no connector type (a message naming ``field``), or None."""
    if value in CONNECTOR_TYPES:
        return None
    return (
        f"{field} {value!r} is not an OCPP connector type; use one of "
        f"{', '.join(sorted(CONNECTOR_TYPES))}"
    )
