"""online contests (线上竞答): exams marked ranked, the team top-N and the points mark

Revision ID: 0007_ranked_exams
Revises: 0006_service_accounts
Create Date: 2026-12-02

An online contest is an exam with ``ranked`` set; ``team_top_n`` optionally ranks
departments by the average of their best N; ``contest_points_at`` records that the
contest's points were awarded after it closed, so the sweep skips it afterwards.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ranked_exams'
down_revision = '0006_service_accounts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ranked', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('team_top_n', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contest_points_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_exams_team_top_n'), 'team_top_n IS NULL OR team_top_n > 0')


def downgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_exams_team_top_n'), type_='check')
        batch_op.drop_column('contest_points_at')
        batch_op.drop_column('team_top_n')
        batch_op.drop_column('ranked')
