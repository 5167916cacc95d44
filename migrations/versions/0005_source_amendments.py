"""source amendments and question reviews (待复核)

Revision ID: 0005_source_amendments
Revises: 0004_live_contests
Create Date: 2026-12-02

An organiser records that a cited document was amended; the questions citing
the amended articles get a review row each and needs_review, which keeps them
out of new papers and practice until an admin keeps, edits or retires them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_source_amendments'
down_revision = '0004_live_contests'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('source_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=200), nullable=False),
    sa.Column('amended_on', sa.Date(), nullable=False),
    sa.Column('articles', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['officers.id'], name=op.f('fk_source_amendments_recorded_by_id_officers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_amendments'))
    )
    with op.batch_alter_table('source_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_amendments_document'), ['document'], unique=False)

    op.create_table('question_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome is null or outcome in ('kept', 'edited', 'retired')", name=op.f('ck_question_reviews_outcome')),
    sa.ForeignKeyConstraint(['amendment_id'], ['source_amendments.id'], name=op.f('fk_question_reviews_amendment_id_source_amendments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_reviews_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['officers.id'], name=op.f('fk_question_reviews_reviewed_by_id_officers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_reviews')),
    sa.UniqueConstraint('question_id', 'amendment_id', name=op.f('uq_question_reviews_question_id_amendment_id'))
    )
    with op.batch_alter_table('question_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_reviews_amendment_id'), ['amendment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_reviews_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_review', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('needs_review')

    with op.batch_alter_table('question_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_reviews_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_reviews_amendment_id'))

    op.drop_table('question_reviews')
    with op.batch_alter_table('source_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_amendments_document'))

    op.drop_table('source_amendments')
