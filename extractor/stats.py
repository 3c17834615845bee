"""What a database holds, in one summary: the numbers a new user looks at first. Portable SQL
(SQLAlchemy Core compiles the year of a date for SQLite and PostgreSQL alike)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, Engine, column, extract, func, select, table, text

TOP = 10
# Claims are counted once (metric_facts leaves reposts out); mentions count every copy.
_FACTS = table("metric_facts", column("unit_class"), column("qualifier"), column("subject"),
               column("locality_path"), column("published"))


@dataclass(frozen=True)
class Stats:
    articles: int
    reposts: int
    claims: int
    mentions: int
    without_title: int
    without_date: int
    without_place: int
    by_unit_class: dict[str, int]
    by_qualifier: dict[str, int]
    by_year: dict[str, int]  # "no date" for articles without one
    top_subjects: dict[str, int]  # by claims
    top_places: dict[str, int]  # by claims, the place of each claim
    top_programmes: dict[str, int]  # by articles mentioning them


def _counts(conn: Connection, key, limit: int | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    n = func.count().label("n")
    query = select(key, n).select_from(_FACTS).group_by(key).order_by(n.desc(), key)
    if limit:
        query = query.where(key.is_not(None)).limit(limit)
    return {str(k): v for k, v in conn.execute(query)}


def stats(engine: Engine) -> Stats:
    """The summary of the database behind engine."""
    year = extract("year", _FACTS.c.published)
    with engine.connect() as conn:
        def scalar(sql: str) -> int:
            return int(conn.scalar(text(sql)) or 0)

        by_year = {("no date" if y is None else str(int(y))): n for y, n in conn.execute(
            select(year, func.count()).select_from(_FACTS).group_by(year).order_by(year))}
        return Stats(
            articles=scalar("SELECT COUNT(*) FROM articles"),
            reposts=scalar("SELECT COUNT(*) FROM articles WHERE canonical_id IS NOT NULL"),
            claims=scalar("SELECT COUNT(*) FROM metric_facts"),
            mentions=scalar("SELECT COUNT(*) FROM metrics"),
            without_title=scalar("SELECT COUNT(*) FROM articles WHERE title IS NULL OR title = ''"),
            without_date=scalar("SELECT COUNT(*) FROM articles WHERE published IS NULL"),
            without_place=scalar("SELECT COUNT(*) FROM articles WHERE locality_id IS NULL"),
            by_unit_class=_counts(conn, _FACTS.c.unit_class),
            by_qualifier=_counts(conn, _FACTS.c.qualifier),
            by_year=by_year,
            top_subjects=_counts(conn, _FACTS.c.subject, TOP),
            top_places=_counts(conn, _FACTS.c.locality_path, TOP),
            top_programmes={name: n for name, n in conn.execute(text(
                "SELECT name, articles FROM initiative_summary ORDER BY articles DESC, name LIMIT :n"), {"n": TOP})},
        )


def _block(title: str, counts: dict[str, int]) -> list[str]:
    from rich.cells import cell_len  # Chinese names are two cells wide

    if not counts:
        return [title, "  (none)"]
    width = max(cell_len(k) for k in counts)
    return [title] + [f"  {k}{' ' * (width - cell_len(k))}  {v:>6}" for k, v in counts.items()]


def render(s: Stats) -> str:
    lines = [
        f"articles  {s.articles} ({s.reposts} reposts)",
        f"  without a title {s.without_title}, without a date {s.without_date}, without a place {s.without_place}",
        f"claims    {s.claims} (counted once; {s.mentions} mentions with reposts)",
    ]
    for title, counts in (("claims by unit class", s.by_unit_class), ("claims by qualifier", s.by_qualifier),
                          ("claims by year", s.by_year), (f"top {TOP} subjects (claims)", s.top_subjects),
                          (f"top {TOP} places (claims)", s.top_places),
                          (f"top {TOP} programmes (articles)", s.top_programmes)):
        lines += [""] + _block(title, counts)
    return "\n".join(lines) + "\n"


def to_json(s: Stats) -> str:
    return json.dumps(asdict(s), ensure_ascii=False, indent=2) + "\n"
