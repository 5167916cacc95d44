"""Fill questions whose blanks may be answered in any order (乱序).

Revision ID: 0002_fill_any_order
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_fill_any_order"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("any_order", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("any_order")
