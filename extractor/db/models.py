"""The schema as SQLAlchemy 2 typed models. Alembic (migrations/) creates and upgrades it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let Alembic alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Locality(Base):
    __tablename__ = "localities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The division code where the gazetteer knows the place, else name@parent key: one row a place.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str | None] = mapped_column(String(16))  # province, city, county, town, village
    code: Mapped[str | None] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    # Names from the province down joined by "/" (湖南省/长沙市/长沙县/路口镇): rolling claims up to
    # any level is one LIKE '湖南省%' on this column.
    path: Mapped[str | None] = mapped_column(Text, index=True)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date, index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    publisher: Mapped[str | None] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    locality_method: Mapped[str | None] = mapped_column(String(32))  # how the gazetteer decided
    # A repost points at the article it repeats (NULL: this one is canonical), with their similarity.
    canonical_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    similarity: Mapped[float | None] = mapped_column(Float)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    body: Mapped[str] = mapped_column(Text)
    script: Mapped[str] = mapped_column(String(16))
    pinyin_stripped: Mapped[bool] = mapped_column(Boolean, default=False)
    converted: Mapped[bool] = mapped_column(Boolean, default=False)
    garbled: Mapped[bool] = mapped_column(Boolean, default=False)
    extractor_version: Mapped[str] = mapped_column(String(32))
    ingested_at: Mapped[datetime] = mapped_column(DateTime)


class ArticleBand(Base):
    """MinHash band hashes: articles sharing a band are candidate reposts (LSH, no all-pairs)."""

    __tablename__ = "article_bands"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger)


class PlaceMention(Base):
    """Every place an article names, what it was resolved to and how."""

    __tablename__ = "place_mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    text: Mapped[str] = mapped_column(String(64))
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(32))


class Initiative(Base):
    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str | None] = mapped_column(String(32))


class ArticleInitiative(Base):
    """Which articles mention which programme, and how often."""

    __tablename__ = "article_initiatives"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True, index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    mentions: Mapped[int] = mapped_column(Integer, default=1)


class Metric(Base):
    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    unit_class: Mapped[str] = mapped_column(String(16), index=True)
    qualifier: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str | None] = mapped_column(String(100))
    predicate: Mapped[str | None] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(32))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"), index=True)
    span_text: Mapped[str] = mapped_column(String(100))
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    # Safe sums (measures.py, flags.py): the value in its class's base unit, what the figure is
    # when it is not a plain achieved count, and the body metric a headline figure repeats.
    # NULL base values: rows stored before these existed, until `extractor reextract`.
    base_value: Mapped[float | None] = mapped_column(Float)
    base_unit: Mapped[str | None] = mapped_column(String(16))
    is_rate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_target: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_threshold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    echo_of_id: Mapped[int | None] = mapped_column(ForeignKey("metrics.id", ondelete="SET NULL"), index=True)


class IngestLog(Base):
    """Every input seen and what became of it: nothing is dropped without a trace."""

    __tablename__ = "ingest_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file: Mapped[str] = mapped_column(Text, unique=True)
    # The file on disk behind the input (path#line of a .jsonl belongs to path), with the size and
    # modification time it had when read: an unchanged file is not read again.
    source_file: Mapped[str | None] = mapped_column(Text, index=True)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_mtime_ns: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)  # ingested, duplicate, failed
    reason: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(DateTime)


Index("ix_metrics_subject_unit", Metric.subject, Metric.unit)
Index("ix_article_bands_key", ArticleBand.band, ArticleBand.hash, ArticleBand.article_id)  # covering: see migration 0005

