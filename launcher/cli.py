"""``csms``: run the whole system or one component, migrate databases, generate the API.

Every subcommand reads its settings from the environment (see the README's configuration
table; ``csms up``'s flags set some of those variables) and first makes sure the generated
API code matches ``proto/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import MutableMapping

from launcher.api_tokens import DEFAULT_DAYS, Role
from launcher.protogen import DESCRIPTOR_SET, GenerationError, ensure_generated
from servicekit.settings import Settings, SettingsError

# ``csms up`` flags: each sets its variable before the settings are read, so a flag wins
# over the environment (and the children, which inherit the environment, see it too).
UP_FLAGS = (
    ("replicas", "CSMS_EDGE_REPLICAS", "N", "edge replicas to run; more than one needs Redis"),
    (
        "database",
        "CSMS_DATABASE_URL",
        "URL",
        "every service's database, e.g. postgresql://user:pw@host/db",
    ),
    (
        "redis",
        "CSMS_REDIS_URL",
        "URL",
        "the Redis the edge replicas share, e.g. redis://host:6379/0",
    ),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csms", description="Charging Station Management System")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = commands.add_parser(
        "up", help="run the whole system (services, edge, Envoy) on this machine"
    )
    for flag, variable, metavar, what in UP_FLAGS:
        up.add_argument(f"--{flag}", dest=flag, metavar=metavar, help=f"{what} (sets {variable})")
    commands.add_parser("migrate", help="apply every service's database migrations")
    for name, what in (
        ("edge", "the OCPP WebSocket edge"),
        ("chargepoint", "the charge point service"),
        ("transaction", "the transaction service"),
        ("auth", "the authorization service"),
        ("console", "the operator console (a web application, client of the REST API)"),
    ):
        component = commands.add_parser(name, help=f"run {what} alone (what a container runs)")
        component.add_argument(
            "--log-name",
            metavar="NAME",
            help="the component's name in log lines (csms up names edge replicas edge-1, ...)",
        )
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
    token = commands.add_parser("token", help="API tokens (CSMS_API_AUTH=jwt)")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_commands.add_parser(
        "create", help="print a new API token signed with the CSMS's key (created on first use)"
    )
    create.add_argument(
        "--role",
        required=True,
        choices=[role.value for role in Role],
        help="viewer: read (GET) only; operator: everything",
    )
    create.add_argument(
        "--days", type=_positive, default=DEFAULT_DAYS, help="validity (default: %(default)s)"
    )
    create.add_argument(
        "--subject", metavar="NAME", help="who the token is for, its sub claim (default: the role)"
    )
    envoy = commands.add_parser("envoy-config", help="print Envoy's configuration as JSON")
    envoy.add_argument(
        "--descriptor",
        default=str(DESCRIPTOR_SET),
        help="path of the descriptor set as Envoy will see it (default: %(default)s)",
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of days")
    return value


def apply_up_flags(args: argparse.Namespace, environ: MutableMapping[str, str]) -> None:
    """Set the variable of every ``csms up`` flag given."""
    for flag, variable, _metavar, _what in UP_FLAGS:
        value = getattr(args, flag)
        if value is not None:
            environ[variable] = value


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "generate":
        from launcher import protogen

        return protogen.main()
    if args.command == "sdk":
        from pathlib import Path

        from launcher import sdk

        return sdk.main(Path(args.target))
    if args.command == "up":
        apply_up_flags(args, os.environ)
    try:
        ensure_generated()
        settings = Settings.from_env(os.environ)
    except (SettingsError, GenerationError) as error:
        print(f"csms {args.command}: {error}", file=sys.stderr)
        return 2

    from servicekit import logs

    logs.configure(
        getattr(args, "log_name", None) or args.command,
        settings.observability.log_level,
        settings.observability.log_format,
    )
    if args.command == "up":
        from launcher.supervisor import up

        return up(settings)
    if args.command == "migrate":
        from launcher.migrate import migrate_all

        return migrate_all(settings.storage)
    if args.command == "envoy":
        from launcher.supervisor import exec_envoy

        return exec_envoy(settings)
    if args.command == "token":
        from launcher.api_tokens import print_new_token

        return print_new_token(
            settings.security, Role(args.role), days=args.days, subject=args.subject
        )
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
