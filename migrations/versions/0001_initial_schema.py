"""Initial schema: localities, articles, initiatives, metrics, the ingest log and metric_facts.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 00:58:23.036409
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Frozen here rather than imported: a migration must keep meaning what it meant when written.
METRIC_FACTS = """
CREATE VIEW metric_facts AS
SELECT
    m.id AS metric_id,
    m.value, m.unit, m.unit_class, m.qualifier, m.subject, m.predicate, m.period,
    m.span_text, m.sentence, m.char_start, m.char_end,
    a.id AS article_id, a.file, a.title, a.published, a.source, a.url,
    COALESCE(ml.name, al.name) AS locality,
    COALESCE(ml.code, al.code) AS locality_code,
    i.name AS initiative, i.kind AS initiative_kind
FROM metrics m
JOIN articles a ON a.id = m.article_id
LEFT JOIN localities ml ON ml.id = m.locality_id
LEFT JOIN localities al ON al.id = a.locality_id
LEFT JOIN initiatives i ON i.id = m.initiative_id
"""


def upgrade() -> None:
    op.create_table('initiatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiatives')),
    sa.UniqueConstraint('name', name=op.f('uq_initiatives_name'))
    )
    op.create_table('localities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('code', sa.String(length=12), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['localities.id'], name=op.f('fk_localities_parent_id_localities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_localities')),
    sa.UniqueConstraint('key', name=op.f('uq_localities_key'))
    )
    with op.batch_alter_table('localities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_localities_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_localities_parent_id'), ['parent_id'], unique=False)

    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('locality_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('script', sa.String(length=16), nullable=False),
    sa.Column('pinyin_stripped', sa.Boolean(), nullable=False),
    sa.Column('converted', sa.Boolean(), nullable=False),
    sa.Column('garbled', sa.Boolean(), nullable=False),
    sa.Column('extractor_version', sa.String(length=32), nullable=False),
    sa.Column('ingested_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_articles_locality_id_localities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_articles_content_hash'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_locality_id'), ['locality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_published'), ['published'], unique=False)

    op.create_table('article_initiatives',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=True),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_initiatives_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_article_initiatives_initiative_id_initiatives')),
    sa.PrimaryKeyConstraint('article_id', 'initiative_id', name=op.f('pk_article_initiatives'))
    )
    with op.batch_alter_table('article_initiatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_initiatives_initiative_id'), ['initiative_id'], unique=False)

    op.create_table('ingest_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_ingest_log_article_id_articles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_log')),
    sa.UniqueConstraint('file', name=op.f('uq_ingest_log_file'))
    )
    with op.batch_alter_table('ingest_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ingest_log_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ingest_log_status'), ['status'], unique=False)

    op.create_table('metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('unit_class', sa.String(length=16), nullable=False),
    sa.Column('qualifier', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=True),
    sa.Column('predicate', sa.String(length=32), nullable=True),
    sa.Column('period', sa.String(length=32), nullable=True),
    sa.Column('locality_id', sa.Integer(), nullable=True),
    sa.Column('initiative_id', sa.Integer(), nullable=True),
    sa.Column('span_text', sa.String(length=100), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_metrics_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'], name=op.f('fk_metrics_initiative_id_initiatives')),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_metrics_locality_id_localities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metrics_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_metrics_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_metrics_locality_id'), ['locality_id'], unique=False)
        batch_op.create_index('ix_metrics_subject_unit', ['subject', 'unit'], unique=False)
        batch_op.create_index(batch_op.f('ix_metrics_unit_class'), ['unit_class'], unique=False)
    op.execute(METRIC_FACTS)


def downgrade() -> None:
    op.execute("DROP VIEW metric_facts")
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metrics_unit_class'))
        batch_op.drop_index('ix_metrics_subject_unit')
        batch_op.drop_index(batch_op.f('ix_metrics_locality_id'))
        batch_op.drop_index(batch_op.f('ix_metrics_initiative_id'))
        batch_op.drop_index(batch_op.f('ix_metrics_article_id'))

    op.drop_table('metrics')
    with op.batch_alter_table('ingest_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ingest_log_status'))
        batch_op.drop_index(batch_op.f('ix_ingest_log_article_id'))

    op.drop_table('ingest_log')
    with op.batch_alter_table('article_initiatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_initiatives_initiative_id'))

    op.drop_table('article_initiatives')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_published'))
        batch_op.drop_index(batch_op.f('ix_articles_locality_id'))

    op.drop_table('articles')
    with op.batch_alter_table('localities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_localities_parent_id'))
        batch_op.drop_index(batch_op.f('ix_localities_name'))

    op.drop_table('localities')
    op.drop_table('initiatives')
