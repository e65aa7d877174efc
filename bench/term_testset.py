"""Precision and recall of term matching on a hand-annotated set of UN sentences.

bench/data/un_political_terms.json holds 45 political terms and 200 sentences of the UN Parallel
Corpus v1.0 test set with every occurrence of those terms marked by hand (see its "annotation"
field).  Three matchers are scored on it:

* TermMatcher (tm.terms): normalised, whole words, proclitics and article, longest first;
* raw substring: each term's spellings searched with str.find in the text as it is, the approach
  of a per-term substring loop;
* normalised substring: the same on the tm.normalize key, to separate normalisation from the
  word-boundary and proclitic rules.

Both substring matchers get the same longest-first overlap resolution as TermMatcher.  A
prediction is correct when it overlaps an unmatched marked occurrence of the same term.  The
table is printed twice: with the terms as listed (spelled as the UN spells them), and as typed
by hand without hamza on alef and with ه for final ة (إسرائيل → اسرائيل, غزة → غزه).

    .venv/bin/python bench/term_testset.py             # the table
    .venv/bin/python bench/term_testset.py --errors    # and every TermMatcher miss and false hit
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tm.normalize import normalize, normalize_with_offsets
from tm.terms import Term, TermMatcher

DATA = Path(__file__).resolve().parent / "data" / "un_political_terms.json"

Span = tuple[int, int, int]  # term id (its index in the test set), start, end in the sentence
Matcher = Callable[[str], list[Span]]


@dataclass
class Score:
    """Counts for one matcher over the test set."""

    name: str
    tp: int = 0
    fp: int = 0
    exact: int = 0
    found: dict[str, int] = field(default_factory=lambda: {"listed": 0, "inflected": 0})
    errors: list[str] = field(default_factory=list)

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0


def load() -> tuple[list[Term], list[dict]]:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    terms = [Term(t["ar"], t["en"], variants=tuple(t["variants"]), id=i) for i, t in enumerate(doc["terms"])]
    return terms, doc["sentences"]


def hand_typed(terms: list[Term]) -> list[Term]:
    """The terms as typed without hamza on alef and with ه for a final ة."""
    def plain(word: str) -> str:
        return " ".join(w[:-1] + "ه" if w.endswith("ة") else w for w in word.translate(_PLAIN).split())
    return [Term(plain(t.ar), t.en, variants=tuple(map(plain, t.variants)), id=t.id) for t in terms]


_PLAIN = str.maketrans("أإآ", "ااا")


def term_matcher(terms: list[Term]) -> Matcher:
    matcher = TermMatcher(terms)
    return lambda text: [(h.term.id or 0, h.start, h.end) for h in matcher.find(text)]


def substring_matcher(terms: list[Term], normalised: bool) -> Matcher:
    """Every occurrence of every spelling as a plain substring, overlaps resolved longest first."""
    needles = [(t.id or 0, normalize(s) if normalised else s) for t in terms for s in (t.ar, *t.variants)]

    def find(text: str) -> list[Span]:
        hay, offsets = normalize_with_offsets(text) if normalised else (text, list(range(len(text) + 1)))
        found = []
        for tid, needle in needles:
            pos = hay.find(needle)
            while pos >= 0:
                found.append((tid, offsets[pos], offsets[pos + len(needle) - 1] + 1))
                pos = hay.find(needle, pos + 1)
        found.sort(key=lambda f: (f[1] - f[2], f[1]))
        chosen: list[Span] = []
        for f in found:
            if all(f[2] <= c[1] or f[1] >= c[2] for c in chosen):
                chosen.append(f)
        return sorted(chosen, key=lambda f: f[1])

    return find


def score(name: str, find: Matcher, sentences: list[dict], terms: list[Term]) -> Score:
    result = Score(name)
    ids = {t.ar: t.id for t in terms}
    for s in sentences:
        gold = [dict(g, matched=False) for g in s["occurrences"]]
        for tid, start, end in find(s["ar"]):
            hit = next((g for g in gold if not g["matched"] and ids[g["term"]] == tid
                        and start < g["end"] and g["start"] < end), None)
            if hit is None:
                result.fp += 1
                result.errors.append(f"false hit  {terms[tid].ar} «{s['ar'][start:end]}»  line {s['line']}")
                continue
            hit["matched"] = True
            result.tp += 1
            result.exact += (start, end) == (hit["start"], hit["end"])
            result.found[hit["form"]] += 1
        for g in gold:
            if not g["matched"]:
                result.errors.append(f"missed     {g['term']} «{g['text']}» ({g['form']})  line {s['line']}")
    return result


def table(label: str, terms: list[Term], typed: list[Term], sentences: list[dict],
          gold: dict[str, int]) -> list[Score]:
    """Score the three matchers and print their rows."""
    print(f"\nterms {label}:")
    print(f"{'matcher':22} {'precision':>9} {'recall':>7} {'F1':>6} {'recall incl. inflected':>23} "
          f"{'exact spans':>12}")
    results = [
        score("TermMatcher", term_matcher(typed), sentences, terms),
        score("raw substring", substring_matcher(typed, normalised=False), sentences, terms),
        score("normalised substring", substring_matcher(typed, normalised=True), sentences, terms),
    ]
    for r in results:
        p, rec = r.precision(), r.found["listed"] / gold["listed"]
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        rec_all = (r.found["listed"] + r.found["inflected"]) / (gold["listed"] + gold["inflected"])
        print(f"{r.name:22} {p:9.3f} {rec:7.3f} {f1:6.3f} {rec_all:23.3f} {r.exact:>5}/{r.tp:<6}"
              f"  ({r.tp} correct, {r.fp} false, {gold['listed'] - r.found['listed']} listed missed)")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every miss and false hit of TermMatcher")
    args = parser.parse_args(argv)
    terms, sentences = load()
    gold = {"listed": 0, "inflected": 0}
    for s in sentences:
        for g in s["occurrences"]:
            gold[g["form"]] += 1
    print(f"{len(sentences)} UN sentences, {len(terms)} terms, {gold['listed']} marked occurrences "
          f"+ {gold['inflected']} in an unlisted inflection")
    for label, listed in (("as listed", terms), ("typed by hand", hand_typed(terms))):
        results = table(label, terms, listed, sentences, gold)
        if label == "as listed":
            errors = results[0].errors
    if args.errors:
        print("\nTermMatcher errors:")
        print("\n".join(sorted(errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
