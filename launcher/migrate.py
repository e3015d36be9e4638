"""``csms migrate``: every service's Alembic migrations, each on its own database."""

from __future__ import annotations

import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from servicekit.migrations import upgrade
from servicekit.settings import Settings


def databases(settings: Settings) -> dict[str, str]:
    return {
        "chargepoint": settings.chargepoint_database_url,
        "transaction": settings.transaction_database_url,
        "auth": settings.auth_database_url,
    }


def migrate_all(settings: Settings) -> int:
    for service, url in databases(settings).items():
        shown = make_url(url).render_as_string(hide_password=True)
        try:
            upgrade(service, url)
        except (SQLAlchemyError, OSError) as error:
            print(f"csms migrate: {service} database {shown}: {error}", file=sys.stderr)
            return 1
        print(f"migrated {service}: {shown}")
    return 0
