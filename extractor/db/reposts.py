"""Repost groups that do not depend on the order articles arrive in.

Two articles are reposts of each other when they share a MinHash band and their estimated
Jaccard similarity reaches dedupe.REPOST_SIMILARITY. A repost group is a connected component of
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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from .. import dedupe
from ..rows import ArticleRows
from .bulk import insert_rows
from .models import Article, ArticleBand

_COLUMNS = (Article.id, Article.canonical_id, Article.published, Article.content_hash, Article.minhash)
# A date no article has, so that articles without one sort after all dated ones.
_UNDATED = date.max


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    root: int  # the id of its group's canonical article (its own id when it is canonical)
    published: date | None
    content_hash: str
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
            if c.id != n.id and dedupe.similarity(n.minhash, c.minhash) >= dedupe.REPOST_SIMILARITY:
                a, b = _find(parent, n.root), _find(parent, c.root)
                if a != b:
                    parent[a] = b
    groups: dict[int, set[int]] = {}
    for root in parent:
        groups.setdefault(_find(parent, root), set()).add(root)
    return [g for g in groups.values() if len(g) > 1]


def _members(rows: Iterable[Any]) -> list[Member]:
    return [Member(r.id, r.canonical_id or r.id, r.published, r.content_hash, r.minhash) for r in rows]


def link(conn: Connection, stored: list[tuple[int, ArticleRows]]) -> None:
    """Store the band keys of newly stored articles (id, rows) and group them with each other and
    with those stored before.

    Their rows (canonical_id NULL) must be written. Runs inside the writer's transaction, which
    holds the writer lock: no other writer regroups meanwhile.
    """
    new = [Member(i, i, date.fromisoformat(r.published) if r.published else None, r.content_hash, r.minhash)
           for i, r in stored if r.minhash]
    if not new:
        return
    bands = {i: list(enumerate(r.bands)) for i, r in stored if r.minhash}
    # The articles stored before this batch that share a band with it (asked before the batch's
    # own band keys are in, which would bring back every new article 32 times) ...
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
        _repoint(conn, groups, {m.id: m for m in new})


def _sharing(conn: Connection, bands: dict[int, list[tuple[int, int]]]) -> dict[tuple[int, int], list[Member]]:
    """The stored articles with each of these (band, hash) keys."""
    by_band: dict[int, set[int]] = {}
    for keys in bands.values():
        for b, h in keys:
            by_band.setdefault(b, set()).add(h)
    # One equality and IN list per band: SQLite answers this from the (band, hash) index,
    # where a row-value IN over (band, hash) pairs made it scan the whole table.
    rows = conn.execute(
        select(ArticleBand.band, ArticleBand.hash, *_COLUMNS)
        .join(Article, Article.id == ArticleBand.article_id)
        .where(or_(*(and_(ArticleBand.band == b, ArticleBand.hash.in_(sorted(hs))) for b, hs in by_band.items())))
    ).all()
    sharing: dict[tuple[int, int], list[Member]] = {}
    for row, member in zip(rows, _members(rows)):
        if member.minhash:
            sharing.setdefault((row.band, row.hash), []).append(member)
    return sharing


def _repoint(conn: Connection, groups: list[set[int]], new: dict[int, Member]) -> None:
    """Point every member of each merged group at its canonical article, with their similarity."""
    roots = dict(new)
    stored_roots = sorted({r for g in groups for r in g} - set(new))
    if stored_roots:
        roots |= {m.id: m for m in _members(conn.execute(select(*_COLUMNS).where(Article.id.in_(stored_roots))))}
    # Each group's old canonical article is the smallest of its group, so the smallest of the
    # roots is the smallest of the merged group.
    winner = {r: min((roots[x] for x in g), key=lambda m: canonical_key(m.published, m.content_hash))
              for g in groups for r in g}
    losing = [r for r, w in winner.items() if r != w.id]
    followers = [(r, r, roots[r].minhash) for r in losing]  # (member, its old root, minhash)
    stored_losing = [r for r in losing if r not in new]
    if stored_losing:
        followers += conn.execute(
            select(Article.id, Article.canonical_id, Article.minhash).where(Article.canonical_id.in_(stored_losing))).all()
    if followers:
        conn.execute(
            update(Article).where(Article.id == bindparam("member"))
            .values(canonical_id=bindparam("canonical"), similarity=bindparam("score")),
            [{"member": member, "canonical": winner[root].id,
              "score": dedupe.similarity(minhash, winner[root].minhash) if minhash and winner[root].minhash else None}
             for member, root, minhash in followers],
        )
