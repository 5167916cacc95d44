"""service accounts: accounts that administer but are never counted as officers

Revision ID: 0006_i13b
Revises: 0005_source_amendments
Create Date: 2026-12-02

`quizapp create-admin` without --department makes a service account: it logs in
and administers, but is never a candidate, never sampled, and never counted in
rosters, reports, study targets or leaderboards.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_i13b'
down_revision = '0005_source_amendments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_service_account', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_column('is_service_account')
