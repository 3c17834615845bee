"""The ingest log remembers each file's size and modification time, so unchanged files are skipped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:09:22.040157
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ingest_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_file', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('file_size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('file_mtime_ns', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ingest_log_source_file'), ['source_file'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ingest_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ingest_log_source_file'))
        batch_op.drop_column('file_mtime_ns')
        batch_op.drop_column('file_size')
        batch_op.drop_column('source_file')

