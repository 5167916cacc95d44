"""questions cite a structured source: document and article instead of free text

Revision ID: 0002_question_sources
Revises: 0001
Create Date: 2026-11-28

A free-text source written as "《文件》条款" is split into its two parts; any
other text becomes the document name, so nothing already saved is lost.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0002_question_sources"
down_revision = "0001"
branch_labels = None
depends_on = None

TITLED = re.compile(r"^\s*《([^《》]+)》\s*(.*?)\s*$")


def _split(text):
    match = TITLED.match(text or "")
    if match:
        return match.group(1).strip()[:200], re.sub(r"\s+", "", match.group(2))[:100]
    return (text or "").strip()[:200], ""


def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_document", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("source_article", sa.String(length=100), server_default="", nullable=False))
        batch_op.create_index("ix_questions_source_document", ["source_document"], unique=False)
    questions = sa.table("questions", sa.column("id", sa.Integer), sa.column("source", sa.String),
                         sa.column("source_document", sa.String), sa.column("source_article", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(questions.c.id, questions.c.source).where(questions.c.source != "")).all()
    for question_id, source in rows:
        document, article = _split(source)
        connection.execute(sa.update(questions).where(questions.c.id == question_id)
                           .values(source_document=document, source_article=article))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("source")


def downgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=200), server_default="", nullable=False))
    questions = sa.table("questions", sa.column("id", sa.Integer), sa.column("source", sa.String),
                         sa.column("source_document", sa.String), sa.column("source_article", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(questions.c.id, questions.c.source_document, questions.c.source_article)
                              .where(questions.c.source_document != "")).all()
    for question_id, document, article in rows:
        connection.execute(sa.update(questions).where(questions.c.id == question_id)
                           .values(source=f"《{document}》{article}"[:200]))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_source_document")
        batch_op.drop_column("source_article")
        batch_op.drop_column("source_document")
