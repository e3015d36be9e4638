"""A small asyncio client for the CSMS gRPC API, over the generated typed stubs in ``csms``.

::

    async with CsmsClient(chargepoint="127.0.0.1:50051", edge="127.0.0.1:50054") as csms:
        await csms.charge_points.create("CP001")
        status = await csms.edge.reset("CP001", hard=True)

Every failure is a :class:`CsmsError` (gRPC status, message, and the OCPP CALLERROR code
and description when a charge point refused). For anything not wrapped here, the stubs
are at hand: ``csms.charge_points.stub`` and friends.
"""

from csms_client.client import CsmsClient
from csms_client.errors import CsmsError, ErrorDetail

__all__ = ["CsmsClient", "CsmsError", "ErrorDetail"]
