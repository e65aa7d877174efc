"""A quality report as one self-contained HTML page: inline CSS, plots as base64 PNG.

The page shows the scores of :func:`tm.score.score_store` (overall and per group, with
the paired comparisons), a histogram of the drafts' HTER, the worst segments next to
their corrections, and the QA findings (:mod:`tm.qa`).  Plots are drawn with
matplotlib's Agg canvas, imported only here.
"""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .qa import QAReport
    from .score import Group, StoreScore

MAX_FINDINGS = 300  # QA findings listed on the page

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;
color:#1d2733;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dde3ea}
.meta{color:#5b6775;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{background:#f3f6f9;border-radius:8px;padding:.7rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.5rem}.card span{color:#5b6775;font-size:.8rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e5e9ee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td[dir=rtl]{font-size:1rem}table.worst td.t{width:26%}
.sig{font-family:ui-monospace,monospace;font-size:.8rem;color:#5b6775}
img{max-width:100%;height:auto}.ok{color:#237a3b}.bad{color:#b3261e}
"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode("ascii")}">'


def hter_bins(values: list[float]) -> tuple[list[int], int]:
    """Counts of sentence HTER in the bins [0, 5), [5, 10) … [95, 100], and how many are over 100."""
    counts = [0] * 20
    for v in values:
        if v <= 100.0:
            counts[min(int(v // 5), 19)] += 1
    return counts, sum(v > 100.0 for v in values)


def hter_histogram(values: list[float]) -> str:
    """An ``<img>`` with the histogram of sentence HTER in bins of 5, and one bar for all over 100."""
    from matplotlib.figure import Figure

    counts, over = hter_bins(values)
    fig = Figure(figsize=(7, 3))
    ax = fig.add_subplot()
    ax.bar([2.5 + 5 * i for i in range(20)], counts, width=5, color="#3d7cc9", edgecolor="white")
    if over:  # a draft longer than its correction can need more edits than the correction has words
        ax.bar(107.5, over, width=5, color="#b3261e", edgecolor="white")
        ax.set_xticks([0, 20, 40, 60, 80, 100, 107.5], ["0", "20", "40", "60", "80", "100", ">100"])
    ax.set_xlabel("HTER (% of words edited by the desk)")
    ax.set_ylabel("drafts")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def group_plot(groups: list[Group], by: str) -> str:
    """An ``<img>`` with BLEU, chrF and HTER per group: lines over months, bars otherwise."""
    from matplotlib.figure import Figure

    labels = [g.key if g.key.isascii() and len(g.key) <= 24 else f"#{i}" for i, g in enumerate(groups, 1)]
    series = {"BLEU": [g.scores.bleu for g in groups], "chrF": [g.scores.chrf for g in groups],
              "HTER": [g.scores.ter for g in groups]}
    fig = Figure(figsize=(7, 3.2))
    ax = fig.add_subplot()
    xs = list(range(len(groups)))
    if by == "month":
        for name, ys in series.items():
            ax.plot(xs, ys, marker="o", label=name)
    else:
        width = 0.8 / len(series)
        for k, (name, ys) in enumerate(series.items()):
            ax.bar([x + (k - 1) * width for x in xs], ys, width=width, label=name)
    crowded = len(groups) > 4
    ax.set_xticks(xs, labels, rotation=30 if crowded else 0, ha="right" if crowded else "center")
    ax.set_ylabel("score")
    ax.legend(frameon=False, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _f(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{escape(value)}</b><span>{escape(label)}</span></div>'


def _group_rows(groups: list[Group]) -> str:
    rows = []
    for i, g in enumerate(groups, 1):
        terms = g.terms.share if g.terms else None
        rows.append(
            f"<tr><td class=n>{i}</td><td>{escape(g.key)}</td><td class=n>{g.drafts}</td>"
            f"<td class=n>{g.segments}</td><td class=n>{_f(g.scores.bleu)}</td>"
            f"<td class=n>{_f(g.scores.chrf)}</td>"
            f"<td class=n>{_f(g.scores.chrf_pp)}</td><td class=n>{_f(g.scores.ter)}</td>"
            f"<td class=n>{_f(100 * g.unchanged_share)} %</td>"
            f"<td class=n>{_f(100 * terms) + ' %' if terms is not None else ''}</td></tr>"
        )
    head = ("<tr><th>#</th><th>group</th><th>drafts</th><th>segments</th><th>BLEU</th><th>chrF</th>"
            "<th>chrF++</th><th>HTER</th><th>unchanged</th><th>terms</th></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _comparisons(result: StoreScore) -> str:
    parts = []
    for c in result.comparisons:
        name = "paired bootstrap" if c.test == "bs" else "approximate randomisation"
        note = f" (a seeded sample of {c.segments} of {c.shared})" if c.sampled else ""
        rows = "".join(
            f"<tr><td>{m.metric.upper() if m.metric != 'chrf' else 'chrF'}</td><td class=n>{_f(m.a)}</td>"
            f"<td class=n>{_f(m.b)}</td><td class=n>{_f(m.b - m.a)}</td>"
            f"<td class=n>{m.p_value:.4f}{' *' if m.p_value < 0.05 else ''}</td></tr>"
            for m in c.metrics
        )
        parts.append(
            f"<p><b>{escape(c.a)}</b> vs <b>{escape(c.b)}</b>: {name}, {c.trials} trials, seed {c.seed}, "
            f"on {c.shared} shared segments{note}.</p><table><tr><th>metric</th><th>{escape(c.a)}</th>"
            f"<th>{escape(c.b)}</th><th>difference</th><th>p-value</th></tr>{rows}</table>"
        )
    return "".join(parts) + ("<p class=meta>* p &lt; 0.05 (for TER, lower is better).</p>" if parts else "")


def _worst(result: StoreScore) -> str:
    rows = "".join(
        f"<tr><td>{escape(w.doc)}</td><td class=n>{w.index}</td><td>{escape(w.engine)}</td>"
        f"<td class=n>{_f(w.ter)}</td><td class=n>{_f(w.bleu)}</td>"
        f"<td class=t dir=rtl lang=ar>{escape(w.source)}</td>"
        f"<td class=t>{escape(w.draft)}</td><td class=t>{escape(w.correction)}</td></tr>"
        for w in result.worst
    )
    return ("<table class=worst><tr><th>doc</th><th>#</th><th>engine</th><th>HTER</th><th>BLEU</th>"
            f"<th>source</th><th>draft</th><th>correction</th></tr>{rows}</table>")


def _qa(qa: QAReport | None, note: str | None) -> str:
    if qa is None:
        return f"<p class=meta>{escape(note or 'No QA was run.')}</p>"
    what = ("<p class=meta>Checked: each segment's current translation, as <code>tm export</code> gives it (its "
            "latest human correction, else its latest draft), as <code>tm qa DOC</code> checks it; these are not "
            "findings about the drafts scored above.</p>")
    shown = [f for f in qa.findings if f.check != "empty"]
    empty = len(qa.findings) - len(shown)
    counts = ", ".join(f"{k}: {v}" for k, v in qa.counts().items() if v and k != "empty") or "none"
    untranslated = f" {empty} segment{'s' if empty != 1 else ''} not translated yet (not listed)." if empty else ""
    checked = f"{qa.segments} segment{'' if qa.segments == 1 else 's'} checked"
    head = what + (f"<p>{checked}; findings {escape(counts)}.{untranslated}"
                   f"{' ' + escape(qa.terms_note) if qa.terms_note else ''}</p>")
    if not shown:
        return head + "<p class=ok>No problems found in the translated segments.</p>"
    rows = "".join(
        f"<tr><td>{escape(f.doc or '')}</td><td class=n>{f.segment}</td><td>{escape(f.check)}</td>"
        f"<td>{escape(f.message)}</td></tr>"
        for f in shown[:MAX_FINDINGS]
    )
    more = len(shown) - MAX_FINDINGS
    tail = f"<p class=meta>… and {more} more; `tm qa DOC` lists them all.</p>" if more > 0 else ""
    return head + f"<table><tr><th>doc</th><th>#</th><th>check</th><th>finding</th></tr>{rows}</table>{tail}"


def render_html(result: StoreScore, qa: QAReport | None = None, *, qa_note: str | None = None,
                title: str = "Translation quality report") -> str:
    """The whole page for *result* and the QA report *qa*."""
    from .score import hter_summary

    total = result.total
    scope = f"document {result.doc}" if result.doc else "all documents"
    meta = (f"Drafts ({', '.join(result.origins)}) of {escape(scope)} scored against the latest human "
            "correction of their segment.")
    body = [f"<h1>{escape(title)}</h1><p class=meta>{meta}</p>"]
    if total is None:
        body.append("<p>No draft has a later human correction yet: nothing to score.</p>")
    else:
        summary = hter_summary(result.hter)
        cards = [
            _card(str(total.segments), "segments"), _card(str(total.drafts), "drafts"),
            _card(_f(total.scores.bleu), "BLEU"), _card(_f(total.scores.chrf), "chrF"),
            _card(_f(total.scores.chrf_pp), "chrF++"), _card(_f(total.scores.ter), "HTER (corpus TER)"),
            _card(_f(100 * total.unchanged_share) + " %", "accepted unchanged"),
        ]
        if total.terms and total.terms.share is not None:
            cards.append(_card(_f(100 * total.terms.share) + " %", f"terms right ({total.terms.checked})"))
        body.append(f"<div class=cards>{''.join(cards)}</div>")
        if result.terms_note:
            body.append(f"<p class=meta>{escape(result.terms_note)}</p>")
        body.append("<h2>How much the desk edited</h2>")
        bands = ", ".join(f"{k}: {v}" for k, v in summary["bands"].items())
        body.append(f"<p class=meta>Sentence HTER: mean {_f(summary['mean'])}, "
                    f"median {_f(summary['median'])}; drafts per band {bands}.</p>")
        body.append(hter_histogram(result.hter))
        if result.groups:
            body.append(f"<h2>By {escape(result.by or '')}</h2>")
            if len(result.groups) <= 40:
                body.append(group_plot(result.groups, result.by or ""))
            body.append(_group_rows(result.groups))
        if result.comparisons:
            body.append("<h2>Is the difference significant?</h2>" + _comparisons(result))
        body.append("<h2>Worst segments</h2>" + (_worst(result) if result.worst else "<p>None.</p>"))
    body.append("<h2>QA findings in the current translations</h2>" + _qa(qa, qa_note))
    sigs = "".join(f"<div>{escape(k)}: {escape(v)}</div>" for k, v in result.signatures.items())
    body.append(f"<h2>Signatures</h2><div class=sig>sacrebleu {sigs}</div>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n")


def write_html(path: str | Path, result: StoreScore, qa: QAReport | None = None, *,
               qa_note: str | None = None) -> None:
    """Write :func:`render_html` to *path* (UTF-8)."""
    Path(path).write_text(render_html(result, qa, qa_note=qa_note), encoding="utf-8")
