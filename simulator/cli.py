"""``csms-sim CHARGE_POINT_ID [VERSION] [URL]``: run one simulated charge point;
``csms-sim load ...``: many at once (:mod:`simulator.load.cli`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator import session_v16, session_v21, session_v201
from simulator.errors import ScenarioFailed
from simulator.session_v16 import Options
from simulator.v2.plug_and_charge import ContractCertificate, ContractFileError

# Each version's session: ``run(url, charge_point_id, options)``.
RUNNERS = {"1.6": session_v16.run, "2.0.1": session_v201.run, "2.1": session_v21.run}
VERSIONS = tuple(RUNNERS)
DEFAULT_URL = "ws://localhost:4000/ocpp"


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="csms-sim",
        description="Simulate an OCPP charge point: boot, status, authorize, a charging "
        "session with meter values, then stop (or stay connected with --stay). "
        "`csms-sim load --help`: many charge points at once.",
    )
    result.add_argument("charge_point_id", metavar="CHARGE_POINT_ID")
    result.add_argument("version", metavar="VERSION", nargs="?", default="1.6", choices=VERSIONS)
    result.add_argument(
        "url", metavar="URL", nargs="?", default=DEFAULT_URL, help=f"default {DEFAULT_URL}"
    )
    result.add_argument("--id-tag", default=Options.id_tag, help="default %(default)s")
    result.add_argument(
        "--meter-values",
        type=int,
        default=Options.meter_values,
        metavar="N",
        help="meter values sent during the session (default %(default)s)",
    )
    result.add_argument(
        "--interval",
        type=float,
        default=Options.interval,
        metavar="SECONDS",
        help="pause between meter values and between firmware/diagnostics steps; also the "
        "initial MeterValueSampleInterval (default %(default)s)",
    )
    result.add_argument(
        "--connectors",
        type=int,
        default=Options.connectors,
        metavar="N",
        help="connectors of the station; with OCPP 2.x, EVSEs of one connector each "
        "(default %(default)s)",
    )
    result.add_argument(
        "--iso15118",
        action="store_true",
        help="OCPP 2.x: an ISO 15118 EV that states its charging needs at transaction start "
        "and its own schedule once the CSMS sends a TxProfile",
    )
    result.add_argument(
        "--external-limit",
        type=float,
        default=Options.external_limit_w,
        metavar="WATTS",
        help="OCPP 2.x: report an energy management system's limit on the station after boot "
        "(NotifyChargingLimit; default none)",
    )
    result.add_argument(
        "--plug-and-charge",
        metavar="CONTRACT.pem",
        help="OCPP 2.x: the EV's ISO 15118 contract certificate then its sub-CA (PEM); the "
        "station asks for the EV's certificate and an OCSP response, then authorizes the "
        "eMAID (the certificate's CN) with the certificate's hash data instead of --id-tag",
    )
    result.add_argument(
        "--stay",
        action="store_true",
        help="stay connected afterwards, heartbeating and answering the CSMS until Ctrl-C",
    )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["load"]:
        from simulator.load import cli as load

        return load.main(words[1:])
    args = parser().parse_args(words)
    if args.meter_values < 0 or args.interval < 0:
        print("csms-sim: --meter-values and --interval must not be negative", file=sys.stderr)
        return 2
    if args.external_limit < 0:
        print("csms-sim: --external-limit must not be negative", file=sys.stderr)
        return 2
    if args.connectors < 1:
        print("csms-sim: --connectors must be at least 1", file=sys.stderr)
        return 2
    contract = ""
    if args.plug_and_charge:
        if args.version == "1.6":
            print("csms-sim: --plug-and-charge needs OCPP 2.0.1 or 2.1", file=sys.stderr)
            return 2
        try:
            contract = Path(args.plug_and_charge).read_text()
            ContractCertificate.from_pem(contract)
        except (OSError, ContractFileError) as error:
            print(f"csms-sim: --plug-and-charge {args.plug_and_charge}: {error}", file=sys.stderr)
            return 2
    options = Options(
        id_tag=args.id_tag,
        meter_values=args.meter_values,
        interval=args.interval,
        stay=args.stay,
        connectors=args.connectors,
        iso15118=args.iso15118,
        external_limit_w=args.external_limit,
        contract_certificate=contract,
    )
    # Every exchange is printed as one line; the library's own frame logs would repeat it.
    logging.getLogger("ocpp").setLevel(logging.ERROR)
    try:
        asyncio.run(RUNNERS[args.version](args.url, args.charge_point_id, options))
    except ScenarioFailed as failure:
        print(f"csms-sim: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("csms-sim: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
