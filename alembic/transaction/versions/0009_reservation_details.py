"""transaction: reservation details (issue 13): connector type, id token type, station
update; and the id token type of a 2.x transaction's identifier

Revision ID: 0009_reservation_details
Revises: 0008_administrative_end
Create Date: 2026-12-07 00:00:00.000000

A reservation by connector type (OCPP 2.x H01) keeps the type; the id token type it was
sent with is kept (NULL in older rows, read as ISO14443); a reservation the station ended
itself (ReservationStatusUpdate, H04) keeps the station's word. A 2.x transaction keeps the
type of its idToken. All nullable: existing rows stay as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009_reservation_details"
down_revision: str | Sequence[str] | None = "0008_administrative_end"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("connector_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("id_token_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("station_update", sa.String(length=20), nullable=True))
    with op.batch_alter_table("transactions") as batch:
        batch.add_column(sa.Column("id_token_type", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transactions") as batch:
        batch.drop_column("id_token_type")
    with op.batch_alter_table("reservations") as batch:
        batch.drop_column("station_update")
        batch.drop_column("id_token_type")
        batch.drop_column("connector_type")
