"""study files: images and PDF attachments for study materials, kept in the database

Revision ID: 0008_study_files
Revises: 0007_ranked_exams
Create Date: 2026-12-02

Organisers upload images into a material's text and attach PDFs shown inline.
The bytes live in the database so that every app server serves the same files.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_study_files'
down_revision = '0007_ranked_exams'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('study_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['study_materials.id'], name=op.f('fk_study_files_material_id_study_materials'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['officers.id'], name=op.f('fk_study_files_uploader_id_officers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_files')),
    sa.UniqueConstraint('key', name=op.f('uq_study_files_key'))
    )
    with op.batch_alter_table('study_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_files_material_id'), ['material_id'], unique=False)


def downgrade():
    with op.batch_alter_table('study_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_files_material_id'))

    op.drop_table('study_files')
