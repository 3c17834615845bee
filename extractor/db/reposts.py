"""Repost groups that do not depend on the order articles arrive in.

Two articles are reposts of each other when they share a MinHash band and their estimated
Jaccard similarity reaches lsh.REPOST_SIMILARITY. A repost group is a connected component of
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

from sqlalchemy import Connection, bindparam, select, update

from .. import lsh
from ..rows import ArticleRows
from .bulk import insert_rows
from .models import Article, ArticleBand

# A date no article has, so that articles without one sort after all dated ones.
_UNDATED = date.max


@dataclass(frozen=True, slots=True)
class Member:
    """An article as grouping sees it."""

    id: int
    root: int  # the id of its group's canonical article (its own id when it is canonical)
    minhash: bytes


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
            if c.id != n.id and lsh.similarity(n.minhash, c.minhash) >= lsh.REPOST_SIMILARITY:
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
    new = [Member(i, i, r.minhash) for i, r in signed]  # type: ignore[arg-type]
    bands = {i: list(enumerate(r.bands)) for i, r in signed}
    # The articles stored before this batch that share a band with it (asked before the batch's
    # own band keys are in, which would bring back every new article once per band) ...
    sharing = _sharing(conn, bands)
    # ... and the new ones that share one with each other.
    for m in new:
        for key in bands[m.id]:
            sharing.setdefault(key, []).append(m)
    insert_rows(conn, ArticleBand.__table__, ("article_id", "band", "hash"),
                [(i, b, h) for i, keys in bands.items() for b, h in keys])
    candidates = {m.id: list({c.id: c for key in bands[m.id] for c in sharing.get(key, [])}.values()) for m in new}
    groups = merge(new, candidates)
    if groups:
        keys = {i: (canonical_key(date.fromisoformat(r.published) if r.published else None, r.content_hash), r.minhash)
                for i, r in signed}
        _repoint(conn, groups, keys)  # type: ignore[arg-type]


def _sharing(conn: Connection, bands: dict[int, list[tuple[int, int]]]) -> dict[tuple[int, int], list[Member]]:
    """The stored articles with each of these (band, hash) keys."""
    by_band: dict[int, set[int]] = {}
    for keys in bands.values():
        for b, h in keys:
            by_band.setdefault(b, set()).add(h)
    # One equality and IN list per band: SQLite answers this from the (band, hash) index, where a
    # row-value IN over (band, hash) pairs made it scan the whole table. The keys are integers we
    # computed, written into the SQL: a batch's thousands of them as parameters could pass
    # SQLite's limit on parameters, and cost SQLAlchemy more work than the query.
    where = " OR ".join(f"(b.band = {int(b)} AND b.hash IN ({', '.join(str(int(h)) for h in sorted(hs))}))"
                        for b, hs in by_band.items())
    rows = conn.exec_driver_sql(
        "SELECT b.band, b.hash, a.id, a.canonical_id, a.minhash FROM article_bands b "
        f"JOIN articles a ON a.id = b.article_id WHERE {where}")
    sharing: dict[tuple[int, int], list[Member]] = {}
    for band, key, article_id, canonical_id, minhash in rows:
        if minhash:
            sharing.setdefault((band, key), []).append(Member(article_id, canonical_id or article_id, minhash))
    return sharing


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
