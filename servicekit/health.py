"""The ``GetHealth`` answer every component gives next to grpc.health.v1."""

from __future__ import annotations

import logging
from importlib import metadata

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from csms.common.v1 import health_pb2

LOG = logging.getLogger(__name__)


def version() -> str:
    try:
        return metadata.version("csms")
    except metadata.PackageNotFoundError:
        return "unknown"


async def database_report(component: str, engine: AsyncEngine) -> health_pb2.HealthReport:
    """SERVING when the component's database answers a trivial query."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        LOG.warning("health check: database of %s does not answer: %s", component, error)
        status = "NOT_SERVING"
    else:
        status = "SERVING"
    return health_pb2.HealthReport(component=component, status=status, version=version())
