"""Sums that do not mislead: base units, rate/target/threshold flags, headline echoes.

metrics gets base_value and base_unit (the value in its class's base unit), is_rate, is_target,
is_threshold, and echo_of_id (a headline figure the body states again points at that body
metric). metric_facts and metric_mentions expose them; metric_facts leaves echoes out, so a
figure is counted once. Rows stored before this have NULL base values and no flags until
`extractor reextract` extracts them again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
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
    i.name AS initiative, i.kind AS initiative_kind,
    m.base_value, m.base_unit, m.is_rate, m.is_target, m.is_threshold, m.echo_of_id
FROM metrics m
JOIN articles a ON a.id = m.article_id
LEFT JOIN localities ml ON ml.id = m.locality_id
LEFT JOIN localities al ON al.id = a.locality_id
LEFT JOIN initiatives i ON i.id = m.initiative_id
"""
VIEWS = {
    "metric_mentions": _MENTIONS_SELECT,
    "metric_facts": _MENTIONS_SELECT + "WHERE a.canonical_id IS NULL AND m.echo_of_id IS NULL\n",
}
# The views as 0002 made them, for downgrade.
_OLD_MENTIONS_SELECT = """
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
OLD_VIEWS = {
    "metric_mentions": _OLD_MENTIONS_SELECT,
    "metric_facts": _OLD_MENTIONS_SELECT + "WHERE a.canonical_id IS NULL\n",
}


def upgrade() -> None:
    # SQLite rebuilds altered tables; views over them must not stand in the way.
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('base_unit', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('is_rate', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('is_target', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('is_threshold', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('echo_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_metrics_echo_of_id'), ['echo_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_metrics_echo_of_id_metrics'), 'metrics', ['echo_of_id'], ['id'],
                                    ondelete='SET NULL')
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_metrics_echo_of_id_metrics'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_metrics_echo_of_id'))
        batch_op.drop_column('echo_of_id')
        batch_op.drop_column('is_threshold')
        batch_op.drop_column('is_target')
        batch_op.drop_column('is_rate')
        batch_op.drop_column('base_unit')
        batch_op.drop_column('base_value')
    for name, select in OLD_VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select}")
