"""The band-key index of article_bands carries article_id, so finding candidate reposts reads the
index alone (SQLite: a covering index; PostgreSQL: an index-only scan).

The writer asks it for the articles sharing each new article's band keys: tens of rows per new
article in a large database. Without article_id in the index each of them cost a second look-up
in the table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:30:00.000000
"""
from __future__ import annotations

from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_article_bands_band_hash', table_name='article_bands')
    op.create_index('ix_article_bands_key', 'article_bands', ['band', 'hash', 'article_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_article_bands_key', table_name='article_bands')
    op.create_index('ix_article_bands_band_hash', 'article_bands', ['band', 'hash'], unique=False)
