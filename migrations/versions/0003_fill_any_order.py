"""Fill questions whose blanks may be answered in any order (乱序).

Revision ID: 0003_fill_any_order
Revises: 0002_question_sources
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_fill_any_order"
down_revision = "0002_question_sources"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("any_order", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("any_order")
