"""``csms``: run the whole system or one component, migrate databases, generate the API.

Every subcommand reads its settings from the environment (see the README's configuration
table) and first makes sure the generated API code matches ``proto/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from launcher.protogen import DESCRIPTOR_SET, GenerationError, ensure_generated
from servicekit.settings import Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csms", description="Charging Station Management System")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("up", help="run the whole system (services, edge, Envoy) on this machine")
    commands.add_parser("migrate", help="apply every service's database migrations")
    for name, what in (
        ("edge", "the OCPP WebSocket edge"),
        ("chargepoint", "the charge point service"),
        ("transaction", "the transaction service"),
        ("auth", "the authorization service"),
    ):
        commands.add_parser(name, help=f"run {what} alone (what a container runs)")
    commands.add_parser(
        "envoy", help="run Envoy in front of the components (what its container runs)"
    )
    commands.add_parser("generate", help="regenerate csms/ (stubs, typed stubs, descriptor set)")
    sdk = commands.add_parser(
        "sdk", help="regenerate csms/ and the REST client from the OpenAPI document"
    )
    sdk.add_argument(
        "target",
        nargs="?",
        default="build/sdk",
        help="folder for the REST client project (default: %(default)s)",
    )
    envoy = commands.add_parser("envoy-config", help="print Envoy's configuration as JSON")
    envoy.add_argument(
        "--descriptor",
        default=str(DESCRIPTOR_SET),
        help="path of the descriptor set as Envoy will see it (default: %(default)s)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "generate":
        from launcher import protogen

        return protogen.main()
    if args.command == "sdk":
        from pathlib import Path

        from launcher import sdk

        return sdk.main(Path(args.target))
    try:
        ensure_generated()
        settings = Settings.from_env(os.environ)
    except (SettingsError, GenerationError) as error:
        print(f"csms {args.command}: {error}", file=sys.stderr)
        return 2

    from servicekit import logs

    logs.configure(args.command, settings.log_level)
    if args.command == "up":
        from launcher.supervisor import up

        return up(settings)
    if args.command == "migrate":
        from launcher.migrate import migrate_all

        return migrate_all(settings)
    if args.command == "envoy":
        from launcher.supervisor import exec_envoy

        return exec_envoy(settings)
    if args.command == "envoy-config":
        from launcher.envoy_config import build

        print(json.dumps(build(settings, args.descriptor), indent=2))
        return 0
    from launcher.components import run

    try:
        asyncio.run(run(args.command, settings))
    except OSError as error:
        print(f"csms {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
