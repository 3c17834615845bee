"""Places as a hierarchy with paths, place mentions, reposts (MinHash bands), programme summary.

metric_facts now counts each claim once (canonical articles only); metric_mentions keeps every
mention, reposts included.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:07:05.712198
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Frozen here rather than imported: a migration must keep meaning what it meant when written.
_MENTIONS_SELECT = """
SELECT
    m.id AS metric_id,
    m.value, m.unit, m.unit_class, m.qualifier, m.subject, m.predicate, m.period,
    m.span_text, m.sentence, m.char_start, m.char_end,
    a.id AS article_id, a.file, a.title, a.published, a.source, a.url,
    COALESCE(a.canonical_id, a.id) AS canonical_article_id,
    COALESCE(ml.name, al.name) AS locality,
    COALESCE(ml.code, al.code) AS locality_code,
    COALESCE(ml.path, al.path) AS locality_path,
    i.name AS initiative, i.kind AS initiative_kind
FROM metrics m
JOIN articles a ON a.id = m.article_id
LEFT JOIN localities ml ON ml.id = m.locality_id
LEFT JOIN localities al ON al.id = a.locality_id
LEFT JOIN initiatives i ON i.id = m.initiative_id
"""
VIEWS = {
    "metric_mentions": _MENTIONS_SELECT,
    "metric_facts": _MENTIONS_SELECT + "WHERE a.canonical_id IS NULL\n",
    "initiative_summary": """
SELECT i.id AS initiative_id, i.name, i.kind,
       MIN(a.published) AS first_published, MAX(a.published) AS last_published,
       COUNT(DISTINCT COALESCE(a.canonical_id, a.id)) AS articles, SUM(ai.mentions) AS mentions
FROM initiatives i
JOIN article_initiatives ai ON ai.initiative_id = i.id
JOIN articles a ON a.id = ai.article_id
GROUP BY i.id, i.name, i.kind
""",
}
OLD_METRIC_FACTS = """
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


def _backfill_paths() -> None:
    """Give existing localities their path, walking parents (a handful of rows per article)."""
    conn = op.get_bind()
    rows = {r.id: (r.name, r.parent_id) for r in conn.execute(sa.text("SELECT id, name, parent_id FROM localities"))}
    for id_ in rows:
        names, node = [], id_
        while node is not None:
            name, node = rows[node]
            names.append(name)
        conn.execute(sa.text("UPDATE localities SET path = :p WHERE id = :i"), {"p": "/".join(reversed(names)), "i": id_})


def upgrade() -> None:
    # SQLite rebuilds altered tables; views over them must not stand in the way.
    op.execute("DROP VIEW metric_facts")
    op.create_table('article_bands',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_bands_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'band', name=op.f('pk_article_bands'))
    )
    with op.batch_alter_table('article_bands', schema=None) as batch_op:
        batch_op.create_index('ix_article_bands_band_hash', ['band', 'hash'], unique=False)

    op.create_table('place_mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=64), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_place_mentions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_place_mentions_locality_id_localities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_mentions'))
    )
    with op.batch_alter_table('place_mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_mentions_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_mentions_locality_id'), ['locality_id'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locality_method', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('canonical_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('similarity', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('minhash', sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f('ix_articles_canonical_id'), ['canonical_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_articles_canonical_id_articles'), 'articles', ['canonical_id'], ['id'])

    with op.batch_alter_table('localities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_localities_path'), ['path'], unique=False)
    _backfill_paths()
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table('localities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_localities_path'))
        batch_op.drop_column('path')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_canonical_id_articles'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_articles_canonical_id'))
        batch_op.drop_column('minhash')
        batch_op.drop_column('similarity')
        batch_op.drop_column('canonical_id')
        batch_op.drop_column('locality_method')

    with op.batch_alter_table('place_mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_mentions_locality_id'))
        batch_op.drop_index(batch_op.f('ix_place_mentions_article_id'))

    op.drop_table('place_mentions')
    with op.batch_alter_table('article_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_article_bands_band_hash')

    op.drop_table('article_bands')
    op.execute(OLD_METRIC_FACTS)
