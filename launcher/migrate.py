"""``csms migrate``: every service's Alembic migrations, each on its own database."""

from __future__ import annotations

import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from servicekit.migrations import upgrade
from servicekit.storage_settings import StorageSettings


def databases(storage: StorageSettings) -> dict[str, str]:
    return {
        "chargepoint": storage.chargepoint_database_url,
        "transaction": storage.transaction_database_url,
        "auth": storage.auth_database_url,
    }


def migrate_all(storage: StorageSettings) -> int:
    for service, url in databases(storage).items():
        shown = make_url(url).render_as_string(hide_password=True)
        try:
            upgrade(service, url)
        except (SQLAlchemyError, OSError) as error:
            print(f"csms migrate: {service} database {shown}: {error}", file=sys.stderr)
            return 1
        print(f"migrated {service}: {shown}")
    return 0
