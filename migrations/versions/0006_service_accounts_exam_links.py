"""service accounts, and every exam's short-link code

Revision ID: 0006_service_accounts
Revises: 0005_source_amendments
Create Date: 2026-12-02

`quizapp create-admin` without --department makes a service account: it logs in
and administers, but is never a candidate, never sampled, and never counted in
rosters, reports, study targets or leaderboards.

Every exam gets a short-link code (/k/<code>, and its QR code); existing exams are
given one here.
"""
import secrets

from alembic import op
import sqlalchemy as sa

# As quizapp.exams.models: lower case without look-alikes, six characters.
LINK_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


# revision identifiers, used by Alembic.
revision = '0006_service_accounts'
down_revision = '0005_source_amendments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_service_account', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_code', sa.String(length=12), nullable=True))
    connection = op.get_bind()
    exams = sa.table('exams', sa.column('id', sa.Integer), sa.column('link_code', sa.String))
    used = set()
    for (exam_id,) in connection.execute(sa.select(exams.c.id)).all():
        code = None
        while code is None or code in used:
            code = "".join(secrets.choice(LINK_ALPHABET) for _ in range(6))
        used.add(code)
        connection.execute(exams.update().where(exams.c.id == exam_id).values(link_code=code))
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.alter_column('link_code', existing_type=sa.String(length=12), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_exams_link_code'), ['link_code'])


def downgrade():
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_exams_link_code'), type_='unique')
        batch_op.drop_column('link_code')

    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_column('is_service_account')
