"""ArticleRows (rows.py): what a worker sends the writer holds every stored field of the record,
pickles small, and is stored as the record says (read back from the database)."""
from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from extractor import lsh
from extractor.pipeline import extract
from extractor.records import ArticleMeta, ArticleRecord, Initiative, Metric, Place, PlaceMention
from extractor.rows import ARTICLE_COLUMNS, ArticleRows, article_rows, keys

from .conftest import SEEDS
from .seeded import db_rows, seeded  # noqa: F401  (fixture)

BODY = "长丰县吴山镇今年新建村级党群服务中心12个。全镇发展党员10名。"
COUNTY = Place("长丰县", "county", "安徽省", "340121")
TOWN = Place("吴山镇", "town", "长丰县")
VILLAGE = Place("岗集村", "village", "吴山镇")


def metric(sentence_start: int, sentence: str, **changes: object) -> Metric:
    fields: dict[str, object] = dict(value=12.0, unit="个", unit_class="count", qualifier="exact", subject="党群服务中心",
                                     predicate="新建", period="今年", span_text="12个", char_start=17, char_end=20,
                                     sentence=sentence, sentence_start=sentence_start)
    return Metric(**(fields | changes))  # type: ignore[arg-type]


def record(**changes: object) -> ArticleRecord:
    fields: dict[str, object] = dict(body=BODY, content_hash="h", meta=ArticleMeta(title="t", published="2023-05-06"),
                                     script="simplified", converted=False, pinyin_stripped=False, garbled=False,
                                     locality_path=[COUNTY, TOWN], minhash=bytes(range(128)) * 4)
    return ArticleRecord(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "want"), [
    ([], []),
    ([COUNTY], ["340121"]),  # a code is the key
    ([COUNTY, TOWN], ["340121", "吴山镇@340121"]),  # else name@parent key
    ([COUNTY, TOWN, VILLAGE], ["340121", "吴山镇@340121", "岗集村@吴山镇@340121"]),
    ([Place("某村", None)], ["某村@"]),
])
def test_locality_keys(path: list[Place], want: list[str]) -> None:
    assert keys(path) == want


@pytest.mark.parametrize(("sentence_start", "sentence", "sent_as"), [
    (0, BODY[:21], None),  # a slice of the body travels as its offsets only
    (21, BODY[21:], None),
    (0, "另一句话。", "另一句话。"),  # not the body's text there: its own text
])
def test_a_sentence_travels_as_offsets_when_it_is_the_body_slice(sentence_start: int, sentence: str,
                                                                  sent_as: str | None) -> None:
    rows = article_rows(record(metrics=[metric(sentence_start, sentence)]))
    assert rows.metrics[0][-3:] == (sentence_start, sentence_start + len(sentence), sent_as)
    assert rows.sentences() == [sentence]


@pytest.mark.parametrize(("mentions", "want"), [
    ([], ()),
    ([("甲", None)], (("甲", None, None, 1),)),
    # first kind for a new programme row, the article's last kind for its link, mentions counted
    ([("甲", None), ("甲", "工程"), ("乙", "行动"), ("甲", "项目")], (("甲", "工程", "项目", 3), ("乙", "行动", "行动", 1))),
])
def test_programmes_by_name_with_their_kinds_and_mentions(mentions: list[tuple[str, str | None]], want: tuple) -> None:  # type: ignore[type-arg]
    initiatives = [Initiative(name, kind, i, i + 1) for i, (name, kind) in enumerate(mentions)]
    assert article_rows(record(initiatives=initiatives)).initiatives == want


def test_places_as_keys_in_the_writers_order() -> None:
    rec = record(
        metrics=[metric(0, BODY[:21], locality="吴山镇"), metric(0, BODY[:21], locality="合肥"),
                 metric(0, BODY[:21], locality="岗集", echo_of=0), metric(0, BODY[:21])],
        place_paths={"吴山镇": [COUNTY, TOWN], "合肥": [], "岗集": [COUNTY, TOWN, VILLAGE]},
        place_mentions=[PlaceMention("吴山镇", 3, 6, (COUNTY, TOWN), "gazetteer"), PlaceMention("某地", 8, 10, (), "unresolved")])
    rows = article_rows(rec)
    assert rows.locality == "吴山镇@340121"
    assert [m[15] for m in rows.metrics] == ["吴山镇@340121", None, "岗集村@吴山镇@340121", None]
    assert rows.echoes == ((2, 0),)
    assert rows.mentions == (("吴山镇@340121", "吴山镇", 3, 6, "gazetteer"), (None, "某地", 8, 10, "unresolved"))
    county = ("340121", "长丰县", "county", "340121", None, "长丰县")
    town = ("吴山镇@340121", "吴山镇", "town", None, "340121", "长丰县/吴山镇")
    village = ("岗集村@吴山镇@340121", "岗集村", "village", None, "吴山镇@340121", "长丰县/吴山镇/岗集村")
    assert rows.places == ((county, town), (county, town, village), (county, town))
    assert rows.places[0][0] is rows.places[1][0]  # one tuple for equal rows: pickled once


def test_a_path_mentioned_again_gives_its_rows_again() -> None:
    path = (COUNTY, TOWN)  # one object, as the gazetteer gives a place it resolves again
    rec = record(locality_path=[COUNTY], place_mentions=[
        PlaceMention("吴山镇", 3, 6, path, "gazetteer"), PlaceMention("长丰县", 0, 3, (COUNTY,), "gazetteer"),
        PlaceMention("吴山", 30, 32, path, "stem")])
    rows = article_rows(rec)
    assert rows.locality == "340121"
    assert rows.mentions == (("吴山镇@340121", "吴山镇", 3, 6, "gazetteer"), ("340121", "长丰县", 0, 3, "gazetteer"),
                             ("吴山镇@340121", "吴山", 30, 32, "stem"))
    county = ("340121", "长丰县", "county", "340121", None, "长丰县")
    assert rows.places == ((county,), (), (county, ("吴山镇@340121", "吴山镇", "town", None, "340121", "长丰县/吴山镇")))


def test_without_a_signature_no_band_keys() -> None:
    assert article_rows(record(minhash=b"")).bands == ()
    assert article_rows(record(minhash=b"")).minhash is None
    signed = article_rows(record())
    assert signed.bands == tuple(lsh.bands(signed.minhash or b"")) and len(signed.bands) == lsh.BANDS


def test_rows_pickle_whole_and_smaller_than_the_record() -> None:
    records = [extract(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    for rows in map(article_rows, records):
        assert pickle.loads(pickle.dumps(rows)) == rows
        assert isinstance(pickle.loads(pickle.dumps(rows)), ArticleRows)
    # Both carry the body once; the rest (metrics with their sentences, places, programmes) pickles
    # to under 60% as rows (the record's metrics of one sentence share its string, so pickle sends
    # that sentence once there too; rows send only its offsets).
    bodiless = [dataclasses.replace(rec, body="") for rec in records]
    body = ARTICLE_COLUMNS.index("body")
    rows = [r._replace(article=(*r.article[:body], "", *r.article[body + 1 :])) for r in map(article_rows, records)]
    assert sum(len(pickle.dumps(r)) for r in rows) < 0.6 * sum(len(pickle.dumps(r)) for r in bodiless)


# -- what the writer stores from them, read back -----------------------------------------------------


def _path(path: list[Place] | tuple[Place, ...]) -> str | None:
    return "/".join(p.name for p in path) or None


def _stored(db: Path, file: str) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    article = "(SELECT id FROM articles WHERE file = ?)"
    metrics = db_rows(db, f"""
        SELECT m.id, m.value, m.unit, m.unit_class, m.qualifier, m.subject, m.predicate, m.period, m.span_text,
               m.char_start, m.char_end, m.sentence, m.base_value, m.base_unit, m.is_rate, m.is_target, m.is_threshold,
               l.path, i.name, m.echo_of_id
        FROM metrics m LEFT JOIN localities l ON l.id = m.locality_id LEFT JOIN initiatives i ON i.id = m.initiative_id
        WHERE m.article_id = {article} ORDER BY m.id""", (file,))
    ids = [m[0] for m in metrics]
    return {
        "article": db_rows(db, f"""
            SELECT a.title, a.published, a.source, a.publisher, a.author, a.url, l.path, a.locality_method, a.minhash,
                   a.body, a.script, a.pinyin_stripped, a.converted, a.garbled, a.content_hash
            FROM articles a LEFT JOIN localities l ON l.id = a.locality_id WHERE a.id = {article}""", (file,)),
        "metrics": [(*m[1:-1], ids.index(m[-1]) if m[-1] else None) for m in metrics],
        "mentions": db_rows(db, f"""
            SELECT p.text, p.char_start, p.char_end, p.method, l.path FROM place_mentions p
            LEFT JOIN localities l ON l.id = p.locality_id WHERE p.article_id = {article} ORDER BY p.id""", (file,)),
        "programmes": db_rows(db, f"""
            SELECT i.name, ai.kind, ai.mentions FROM article_initiatives ai JOIN initiatives i ON i.id = ai.initiative_id
            WHERE ai.article_id = {article} ORDER BY i.name""", (file,)),
        "bands": db_rows(db, f"SELECT band, hash FROM article_bands WHERE article_id = {article} ORDER BY band", (file,)),
    }


def _expected(rec: ArticleRecord) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """The record's fields as the tables should hold them, straight from the record (not through rows.py)."""
    meta, names = rec.meta, {i.name for i in rec.initiatives}
    kinds = {i.name: i.kind for i in rec.initiatives if i.kind}
    return {
        "article": [(meta.title, meta.published, meta.source, meta.publisher, meta.author, meta.url,
                     _path(rec.locality_path), rec.locality_method, rec.minhash or None, rec.body, rec.script,
                     int(rec.pinyin_stripped), int(rec.converted), int(rec.garbled), rec.content_hash)],
        "metrics": [(m.value, m.unit, m.unit_class, m.qualifier, m.subject, m.predicate, m.period, m.span_text,
                     m.char_start, m.char_end, m.sentence, m.base_value, m.base_unit, int(m.is_rate), int(m.is_target),
                     int(m.is_threshold), _path(rec.place_paths.get(m.locality, [])) if m.locality else None,
                     m.initiative if m.initiative in names else None, m.echo_of) for m in rec.metrics],
        "mentions": [(pm.text, pm.char_start, pm.char_end, pm.method, _path(pm.path)) for pm in rec.place_mentions],
        "programmes": sorted((name, kinds.get(name), sum(i.name == name for i in rec.initiatives)) for name in names),
        "bands": list(enumerate(lsh.bands(rec.minhash))),
    }


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_the_database_holds_what_the_record_says(seed: str, seeded: Path) -> None:  # noqa: F811
    rec = extract((SEEDS / seed).read_text(encoding="utf-8"))
    assert rec.metrics and rec.place_mentions and rec.initiatives  # every table has rows to compare
    assert _stored(seeded, str((SEEDS / seed).resolve())) == _expected(rec)
