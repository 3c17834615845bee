"""Repost groups that do not depend on the order articles arrive in.

Two articles are reposts of each other when they share lsh.MIN_SHARED_BANDS MinHash band keys
and their estimated Jaccard similarity reaches lsh.REPOST_SIMILARITY. A repost group is a connected component of
that relation, and its canonical article is the member with the smallest canonical_key (the
earliest published, then the smallest content hash): both are functions of the articles' content
alone, so a plain ingest, a reversed one and two concurrent ones give the same groups and the same
canonical article, and metric_facts the same rows.

The price of order independence is transitivity: when A~B and B~C but not A~C, all three are one
group, whichever arrives first (a rule "link to the most similar" would give A+B, C or A, B+C by
arrival). `similarity` is a member's estimated similarity with its group's canonical article, so
in such a chain it may be below the threshold.

Each batch is linked in its writer's transaction, once its articles are stored: its band keys
are stored, the groups it joins merged and, where a new article becomes canonical, re-pointed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from .. import lsh
from ..rows import ArticleRows
from .bulk import insert_rows
from .models import Article, ArticleBand

# A date no article has, so that articles without one sort after all dated ones.
_UNDATED = date.max
# Ids written into one IN list (integers we hold, not parameters: no limit on parameters applies).
_IDS_PER_QUERY = 5000


@dataclass(frozen=True, slots=True)
class Member:
    """An article as grouping sees it."""

    id: int
    root: int  # the id of its group's canonical article (its own id when it is canonical)
    signature: int  # its MinHash signature, lsh.as_int


def canonical_key(published: date | None, content_hash: str) -> tuple[date, str]:
    """What decides a group's canonical article: the smallest wins (earliest, then by hash)."""
    return (published or _UNDATED, content_hash)


def _find(parent: dict[int, int], x: int) -> int:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]  # path halving keeps later finds short
        x = parent[x]
    return x


def merge(new: list[Member], candidates: dict[int, list[Member]]) -> list[set[int]]:
    """The groups (as sets of root ids, two or more) that the new members join together.

    candidates: for each new member's id, the stored articles sharing a band with it (new
    members of the same batch included). Pure: no database.
    """
    parent: dict[int, int] = {}
    for n in new:
        for c in candidates.get(n.id, []):
            if c.id != n.id and lsh.similarity_of(n.signature, c.signature) >= lsh.REPOST_SIMILARITY:
                a, b = _find(parent, n.root), _find(parent, c.root)
                if a != b:
                    parent[a] = b
    groups: dict[int, set[int]] = {}
    for root in parent:
        groups.setdefault(_find(parent, root), set()).add(root)
    return [g for g in groups.values() if len(g) > 1]


def link(conn: Connection, stored: list[tuple[int, ArticleRows]]) -> None:
    """Store the band keys of newly stored articles (id, rows) and group them with each other and
    with those stored before.

    Their rows (canonical_id NULL) must be written. Runs inside the writer's transaction, which
    holds the writer lock: no other writer regroups meanwhile.
    """
    signed = [(i, r) for i, r in stored if r.minhash]
    if not signed:
        return
    new = {i: Member(i, i, lsh.as_int(r.minhash)) for i, r in signed}  # type: ignore[arg-type]
    insert_rows(conn, ArticleBand.__table__, ("article_id", "band", "hash"),
                [(i, b, h) for i, r in signed for b, h in enumerate(r.bands)])
    # The articles that share band keys with each new one (itself and the batch's others included),
    # paired by the database: a batch's tens of thousands of band matches never become Python objects.
    near: dict[int, set[int]] = {i: set() for i in new}
    batch = sorted(new)
    for k in range(0, len(batch), _IDS_PER_QUERY):
        for article_id, other in _rows(conn, pairs_query(batch[k : k + _IDS_PER_QUERY])):
            near[article_id].add(other)
    # A stored article shares bands with many new ones in a large database: each is read once.
    members = new | _members(conn, sorted({c for ids in near.values() for c in ids} - new.keys()))
    groups = merge(list(new.values()), {i: [members[c] for c in sorted(ids) if c in members] for i, ids in near.items()})
    if groups:
        keys = {i: (canonical_key(date.fromisoformat(r.published) if r.published else None, r.content_hash), r.minhash)
                for i, r in signed}
        _repoint(conn, groups, keys)  # type: ignore[arg-type]


def pairs_query(ids: list[int]) -> str:
    """SQL for the distinct (article, other) pairs of these articles' ids and every article, itself
    included, that shares lsh.MIN_SHARED_BANDS band keys with it or more."""
    # The ids are integers we hold, written into the SQL (see _IDS_PER_QUERY). SQLite finds an
    # article's keys by the primary key and their sharers from the (band, hash, article_id) index
    # alone (migration 0005): no look-up in the table for each of the many matches.
    return ("SELECT n.article_id, o.article_id FROM article_bands AS n"
            " JOIN article_bands AS o ON o.band = n.band AND o.hash = n.hash"
            f" WHERE n.article_id IN ({', '.join(str(int(i)) for i in ids)})"
            f" GROUP BY n.article_id, o.article_id HAVING COUNT(*) >= {lsh.MIN_SHARED_BANDS}")


def _members(conn: Connection, ids: list[int]) -> dict[int, Member]:
    """The stored articles of these ids that have a signature, as Members."""
    found: dict[int, Member] = {}
    for i in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ", ".join(str(int(x)) for x in ids[i : i + _IDS_PER_QUERY])
        for article_id, canonical_id, minhash in _rows(
                conn, f"SELECT id, canonical_id, minhash FROM articles WHERE id IN ({chunk})"):
            if minhash:
                found[article_id] = Member(article_id, canonical_id or article_id, lsh.as_int(minhash))
    return found


def _rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    """All rows of a query, fetched by the driver: tens of thousands of rows a batch in a large
    database, where SQLAlchemy's row objects cost more than the query."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _repoint(conn: Connection, groups: list[set[int]], new: dict[int, tuple[tuple[date, str], bytes]]) -> None:
    """Point every member of each merged group at its canonical article, with their similarity.

    new: the canonical key and signature of each new article (id → (key, minhash))."""
    roots = dict(new)
    stored_roots = sorted({r for g in groups for r in g} - set(new))
    if stored_roots:
        roots |= {a.id: (canonical_key(a.published, a.content_hash), a.minhash) for a in conn.execute(
            select(Article.id, Article.published, Article.content_hash, Article.minhash).where(Article.id.in_(stored_roots)))}
    # Each group's old canonical article is the smallest of its group, so the smallest of the
    # roots is the smallest of the merged group.
    winner = {r: min(g, key=lambda x: roots[x][0]) for g in groups for r in g}
    losing = [r for r, w in winner.items() if r != w]
    followers = [(r, r, roots[r][1]) for r in losing]  # (member, its old root, minhash)
    stored_losing = [r for r in losing if r not in new]
    if stored_losing:
        followers += conn.execute(
            select(Article.id, Article.canonical_id, Article.minhash).where(Article.canonical_id.in_(stored_losing))).all()
    if followers:
        conn.execute(
            update(Article).where(Article.id == bindparam("member"))
            .values(canonical_id=bindparam("canonical"), similarity=bindparam("score")),
            [{"member": member, "canonical": winner[root],
              "score": lsh.similarity(minhash, roots[winner[root]][1]) if minhash and roots[winner[root]][1] else None}
             for member, root, minhash in followers],
        )
