"""An evaluation as figures: the JSON object scripts read, and the text people read.

The JSON has the reference scorer's keys (docs, metrics, articles, initiatives) with the same
values; what it lacks is added under new keys only (metrics.period_acc, docs_not_in_input,
by_doc, errors), so a script written for one reads the other.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .evaluate import PATH_FIELD, ClaimCounts, Counts, Evaluation, Finding

_LOCALITY_FIELDS = ("locality", PATH_FIELD)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; 0.0 where a ratio has nothing to divide by."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def claim_figures(c: ClaimCounts, docs_not_in_gold: int | None = None) -> dict[str, Any]:
    sp, sr, sf = prf(c.strict_tp, c.fp + c.tp - c.strict_tp, c.fn + c.tp - c.strict_tp)
    p, r, f = prf(c.tp, c.fp, c.fn)
    out: dict[str, Any] = {
        "tp": c.tp, "fp": c.fp, "fn": c.fn, "strict_tp": c.strict_tp,
        "strict_precision": sp, "strict_recall": sr, "strict_f1": sf,
        "qualifier_acc": c.qualifier_ok / c.tp if c.tp else 0.0,
        "subject_acc": c.subject_ok / c.tp if c.tp else 0.0,
    }
    if docs_not_in_gold is not None:
        out["docs_not_in_gold"] = docs_not_in_gold
    out.update(precision=p, recall=r, f1=f, period_acc=c.period_ok / c.tp if c.tp else 0.0)
    return out


def programme_figures(c: Counts) -> dict[str, Any]:
    p, r, f = prf(c.tp, c.fp, c.fn)
    return {"tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": p, "recall": r, "f1": f}


def as_json(ev: Evaluation, by_doc: bool = False, errors: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "docs": len(ev.by_doc),
        "metrics": claim_figures(ev.claims, ev.docs_not_in_gold),
        "articles": ev.field_accuracy(),
        "initiatives": programme_figures(ev.initiatives),
        "docs_not_in_input": list(ev.docs_not_in_input),
    }
    if by_doc:
        out["by_doc"] = {
            doc: {"metrics": claim_figures(d.claims), "articles": {k: float(v) for k, v in d.fields.items()},
                  "initiatives": programme_figures(d.initiatives)}
            for doc, d in ev.by_doc.items()
        }
    if errors:
        out["errors"] = [asdict(f) for f in ev.findings]
    return out


def _finding(f: Finding) -> list[str]:
    if f.part == "field":
        return [f"  wrong {f.what}: want {f.want!r} got {f.got!r}"]
    line = f"  {f.kind} {f.part} {f.what}"
    if f.text:
        line += f"  «{f.text}»"
    if f.want:
        line += f"  want {f.want}"
    if f.got:
        line += f"  got {f.got}"
    return [line] + ([f"      in: {f.sentence}"] if f.sentence else [])


def error_lines(ev: Evaluation) -> list[str]:
    """Every miss, false hit and wrong field, grouped by article, each claim with its sentence."""
    lines = []
    for doc, d in ev.by_doc.items():
        if d.findings:
            lines.append(doc)
            for f in d.findings:
                lines += _finding(f)
    return lines


def _prf_line(label: str, figures: dict[str, Any], tail: str) -> str:
    return f"{label:<12} P={figures['precision']:.3f} R={figures['recall']:.3f} F1={figures['f1']:.3f}  {tail}"


def _doc_table(ev: Evaluation) -> list[str]:
    width = max(len(doc) for doc in ev.by_doc)
    lines = [f"{'article':<{width}}  {'tp':>4} {'fp':>4} {'fn':>4} {'F1':>6} {'strict':>6} {'prog F1':>7}  wrong fields"]
    for doc, d in ev.by_doc.items():
        m, i = claim_figures(d.claims), programme_figures(d.initiatives)
        wrong = ", ".join(k for k, ok in d.fields.items() if not ok) or "-"
        lines.append(f"{doc:<{width}}  {m['tp']:>4} {m['fp']:>4} {m['fn']:>4} {m['f1']:>6.3f} {m['strict_f1']:>6.3f} "
                     f"{i['f1']:>7.3f}  {wrong}")
    return lines


def text_report(ev: Evaluation, by_doc: bool = False, errors: bool = False) -> str:
    """The figures for people; the last line holds claims F1 and strict F1."""
    figures = as_json(ev)
    m, i, fields = figures["metrics"], figures["initiatives"], figures["articles"]
    lines = (error_lines(ev) + [""]) if errors and ev.findings else []
    if by_doc:
        lines += _doc_table(ev) + [""]
    article = "  ".join(f"{k}={v:.2f}" for k, v in fields.items() if k not in _LOCALITY_FIELDS)
    places = "  ".join(f"{k}={v:.2f}" for k, v in fields.items() if k in _LOCALITY_FIELDS)
    lines += [
        f"gold: {figures['docs']} articles;  articles with claims the gold file does not annotate: {m['docs_not_in_gold']}",
        f"{'articles':<12} {article}",
        f"{'localities':<12} {places}",
        _prf_line("programmes", i, f"(tp={i['tp']} fp={i['fp']} fn={i['fn']})"),
        f"{'on matches':<12} qualifier={m['qualifier_acc']:.3f} subject={m['subject_acc']:.3f} period={m['period_acc']:.3f}",
        _prf_line("strict", {"precision": m["strict_precision"], "recall": m["strict_recall"], "f1": m["strict_f1"]},
                  f"(strict tp={m['strict_tp']}: value, unit, qualifier and subject right)"),
        _prf_line("claims", m, f"(tp={m['tp']} fp={m['fp']} fn={m['fn']}: value and unit right)"),
    ]
    return "\n".join(lines)
