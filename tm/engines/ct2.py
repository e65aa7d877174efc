"""The CTranslate2 engine: the transformers engine's models, converted once and run without torch.

The model is converted on first use (int8 on CPU, float16 on GPU; see :mod:`tm.models`).
Marian (opus-mt) models are tokenised with sentencepiece directly, so translating imports
neither torch nor transformers; other families use the model's transformers tokenizer.

CTranslate2 has no logits hook, so required glossary terms are placed by re-decoding, with
the rules of :class:`~tm.engines.constraints.TermEnforcer` applied along the draft: a draft
missing a term comes with the logits at each of its positions (greedy: from the same pass;
beam search: from one forced pass), the term starts where the model began it itself, where
its first token is within ``START_MARGIN`` of the best one, or -- with every other missing
term -- where the model would rather stop or the length budget runs out, and the model
continues after it (``target_prefix``), never gluing a word piece onto it.  A draft that
carries a forbidden rendering is decoded again with it suppressed (``suppress_sequences``).
bench/bench_engines.py --strategies compares this with n-best reranking and prefixes.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np

from tm.engines.base import Draft, ProgressCallback, Request, TermConstraint
from tm.engines.constraints import RequiredTerm, TermEncoder, missing_terms, term_placed
from tm.engines.ct2_tokens import SPIECE, SentencePieceTokens, TransformersTokens, read_json
from tm.engines.hub import model_label, resolve_model
from tm.errors import EngineError, InputError, ModelUnavailableError
from tm.models import ensure_converted

LENGTH_RATIO = 2.0  # generated tokens per source token, plus LENGTH_SLACK (as the transformers engine)
LENGTH_SLACK = 10
START_MARGIN = 2.0  # a term starts where its first token's logit is within this of the best one
DECODE_TOKENS = 1024  # decoder positions (sources x beam x cap) per batch: ~55 KB each; more are faster
LOGIT_POSITIONS = 384  # positions per pass that returns full-vocabulary logits (~0.5 MB each at 62k)
Suppress = Sequence[Sequence[str]]


def pick_device(device: str | None) -> tuple[str, int]:
    """CTranslate2's (device, index) for *device*: CUDA when available and CPU otherwise."""
    cuda = ctranslate2.get_cuda_device_count()
    if device in (None, "", "auto"):
        return ("cuda", 0) if cuda else ("cpu", 0)
    kind, _, index = str(device).partition(":")
    if kind not in ("cpu", "cuda") or (index and not index.isdigit()):
        raise InputError(f"Unknown device {device!r}; use cpu, cuda or cuda:N.")
    if kind == "cuda" and int(index or 0) >= cuda:
        raise EngineError(f"Device {device} was asked for but CUDA is not available to CTranslate2; "
                          "use --device cpu.")
    return kind, int(index or 0)


def default_threads() -> int:
    """CPU threads: ``$TM_THREADS``, else every core this process may use."""
    env = os.environ.get("TM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def trim_heap() -> None:
    """Hand freed heap pages back to the system (glibc's ``malloc_trim``; elsewhere nothing).  CTranslate2
    allocates in its own threads, from other malloc arenas, so what this thread freed is not reused there."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


@dataclass
class _Plan:
    """One request's glossary constraints in this model's tokens."""

    required: list[RequiredTerm]
    suppress: tuple[tuple[str, ...], ...]  # token sequences of the forbidden renderings
    forbidden: list[str]
    length: int  # tokens of all required terms (added to the length cap)


@dataclass
class _Item:
    """One segment being decoded."""

    src: list[str]
    cap: int
    terms: Sequence[TermConstraint] = ()
    plan: _Plan | None = None
    hyp: list[str] | None = None
    rows: _Rows | None = None  # logits along hyp, when known
    frozen: int = 0  # tokens of hyp that stay (up to the last placed term)


@dataclass
class _Rows:
    """What term placement needs from the logits at each position of a draft."""

    best: np.ndarray  # the highest logit
    argmax: np.ndarray  # its token
    word: np.ndarray  # the best token that starts a word (not a glue piece)
    first: dict[int, np.ndarray]  # the logit of each wanted token (first tokens of required terms)


class CTranslate2Engine:
    """Translate with a CTranslate2 conversion of a transformers model, enforcing glossary terms."""

    name = "ctranslate2"

    def __init__(
        self,
        model: str,
        batch_size: int = 16,
        beam: int = 1,
        device: str | None = None,
        compute_type: str | None = None,
        *,
        threads: int | None = None,
        max_length: int = 512,
        enforce_terms: bool = True,
        cache: Path | None = None,
    ):
        if batch_size < 1 or beam < 1 or max_length < 8:
            raise InputError("Batch size and beam must be at least 1 and max length at least 8.")
        self.model, self.batch_size, self.beam, self.max_length = model_label(model), batch_size, beam, max_length
        self.enforce_terms = enforce_terms
        self.device, self.device_index = pick_device(device)
        self.quantization = compute_type or ("float16" if self.device == "cuda" else "int8")
        self.threads = threads or default_threads()
        source = resolve_model(model)
        self.converted = ensure_converted(model, self.quantization, source=source, cache=cache)
        try:
            self.translator = ctranslate2.Translator(
                str(self.converted.path), device=self.device, device_index=self.device_index,
                compute_type="default", intra_threads=self.threads if self.device == "cpu" else 0,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelUnavailableError(f"Model {model} cannot be loaded by CTranslate2: {first}") from None
        path = Path(source)
        marian = SentencePieceTokens.supports(path)
        self.tokens = SentencePieceTokens(path) if marian else TransformersTokens(path)

    @property
    def details(self) -> dict[str, str]:
        """Quantisation, compute type, device, beam and threads, recorded with each draft."""
        device = self.device if self.device == "cpu" else f"{self.device}:{self.device_index}"
        return {"quantization": self.quantization, "compute_type": str(self.translator.compute_type),
                "device": device, "beam": str(self.beam), "threads": str(self.threads)}

    def cap(self, source_len: int, terms: int = 0) -> int:
        """Most tokens a draft of a *source_len*-token source may have (as in the transformers engine)."""
        cap = math.ceil(source_len * LENGTH_RATIO) + LENGTH_SLACK + terms
        return max(1, min(cap, self.max_length - 2 - len(self.tokens.prefix)))

    def source_tokens(self, sources: Sequence[str]) -> list[int]:
        """How many tokens (end of sentence included) each source is, untruncated: see :mod:`tm.engines.split`."""
        return [len(s) for s in self.tokens.source(sources, 1 << 30)]

    def translate_tokens(self, sources: Sequence[str]) -> list[list[str]]:
        """Output tokens of unconstrained decoding, without the language prefix (one batch)."""
        items = [_Item(s, self.cap(len(s))) for s in self.tokens.source(sources, self.max_length)]
        return [nbest[0][len(self.tokens.prefix) :] for nbest in self._decode(items)]

    def translate(
        self, requests: Sequence[Request], *, progress: ProgressCallback | None = None
    ) -> list[Draft]:
        """Drafts for *requests*, in the same order (translated in length-sorted batches)."""
        sources = self.tokens.source([r.source for r in requests], self.max_length)
        items = []
        for r, src in zip(requests, sources, strict=True):
            plan = self._plan(r.terms) if self.enforce_terms and r.terms else None
            items.append(_Item(src, self.cap(len(src), plan.length if plan else 0), r.terms, plan))
        self.tokens.release()  # decoding needs no sentencepiece model: 12 MB less at the peak
        trim_heap()
        order = sorted(range(len(items)), key=lambda i: -len(items[i].src))
        for batch in self._batches([items[i] for i in order]):
            self._run(batch, None)
            redo: dict[tuple[tuple[str, ...], ...], list[_Item]] = {}
            for item in batch:  # a forbidden rendering came out: decode again, suppressing it
                plan = item.plan
                if plan and plan.suppress and term_placed(self.tokens.decode(item.hyp or []), plan.forbidden):
                    redo.setdefault(plan.suppress, []).append(item)
            for suppress, again in redo.items():
                self._run(again, suppress)
            if progress is not None:
                progress(len(batch))
        texts = [self.tokens.decode(item.hyp or []) for item in items]
        return [Draft(text, missing_terms(text, r.terms)) for text, r in zip(texts, requests, strict=True)]

    def _batches(self, items: list[_Item]) -> list[list[_Item]]:
        """*items* (longest first) in batches of at most batch_size and DECODE_TOKENS positions."""
        out: list[list[_Item]] = []
        for item in items:
            last = out[-1] if out else []
            positions = (len(last) + 1) * self.beam * last[0].cap if last else 0
            if last and len(last) < self.batch_size and positions <= DECODE_TOKENS:
                last.append(item)
            else:
                out.append([item])
        return out

    def _run(self, items: list[_Item], suppress: Suppress | None) -> None:
        """Decode *items* (setting ``hyp``), placing the required terms of those that have some."""
        plain = [it for it in items if not (it.plan and it.plan.required)]
        for item, nbest in zip(plain, self._decode(plain, suppress=suppress), strict=True):
            item.hyp = nbest[0]
        self._place([it for it in items if it.plan and it.plan.required], suppress)

    # -- decoding -------------------------------------------------------------------------------

    def _limit(self, item: _Item, prefix: Sequence[str]) -> int:
        return max(item.cap + len(self.tokens.prefix), len(prefix))

    def _decode(self, items: list[_Item], prefixes: list[list[str]] | None = None,
                suppress: Suppress | None = None, hypotheses: int = 1) -> list[list[list[str]]]:
        """One CTranslate2 call: each item's n-best list, cut to its cap (never into its prefix)."""
        if not items:
            return []
        prefixes = prefixes or [list(self.tokens.prefix) for _ in items]
        limits = [self._limit(it, p) for it, p in zip(items, prefixes, strict=True)]
        results = self.translator.translate_batch(
            [it.src for it in items], target_prefix=prefixes if any(prefixes) else None, beam_size=self.beam,
            num_hypotheses=min(hypotheses, self.beam), max_decoding_length=max(limits), max_input_length=0,
            suppress_sequences=[list(s) for s in suppress] if suppress else None,
        )
        return [[list(h[:limit]) for h in res.hypotheses] for res, limit in zip(results, limits, strict=True)]

    def _decode_rows(self, items: list[_Item], prefixes: list[list[str]] | None, suppress: Suppress | None,
                     limits: list[int] | None = None) -> list[tuple[list[str], _Rows]]:
        """Greedy decoding that also keeps, per position, what term placement needs from the logits."""
        prefixes = prefixes or [list(self.tokens.prefix) for _ in items]
        limits = limits or [self._limit(it, p) for it, p in zip(items, prefixes, strict=True)]
        chunks: list[list[int]] = []
        for k, limit in enumerate(limits):  # full-vocabulary logits: at most LOGIT_POSITIONS at once
            widest = max([limit, *(limits[j] for j in chunks[-1])]) if chunks else 0
            if chunks and (len(chunks[-1]) + 1) * widest <= LOGIT_POSITIONS:
                chunks[-1].append(k)
            else:
                chunks.append([k])
        out: dict[int, tuple[list[str], _Rows]] = {}
        for chunk in chunks:
            results: list[Any] = self.translator.translate_batch(
                [items[k].src for k in chunk],
                target_prefix=[prefixes[k] for k in chunk] if any(prefixes) else None,
                beam_size=1, max_decoding_length=max(limits[k] for k in chunk), max_input_length=0,
                return_logits_vocab=True,
                suppress_sequences=[list(s) for s in suppress] if suppress else None,
            )
            for j, k in enumerate(chunk):
                res, results[j] = results[j], None  # free each item's logits once read: 422 -> 339 MB peak
                plan = items[k].plan
                wanted = {t.force[0] for t in plan.required} if plan else set()
                rows = self._rows(res.logits[0][: limits[k] + 1], wanted)
                out[k] = (list(res.hypotheses[0][: limits[k]]), rows)
                del res
        return [out[k] for k in range(len(items))]

    def _rows(self, logits: Sequence[Any], ids: set[int]) -> _Rows:
        n = len(logits)
        rows = _Rows(np.empty(n, np.float32), np.empty(n, np.int64), np.empty(n, np.int64),
                     {i: np.empty(n, np.float32) for i in ids})
        for pos, view in enumerate(logits):
            if self.device != "cpu":
                view = view.to_device(ctranslate2.Device.cpu)
            row = np.asarray(view, np.float32)
            rows.argmax[pos] = best = int(row.argmax())
            rows.best[pos] = row[best]
            rows.word[pos] = int(np.where(self.glue_mask[: len(row)], -np.inf, row).argmax())
            for i in ids:
                rows.first[i][pos] = row[i]
        return rows

    # -- glossary terms -------------------------------------------------------------------------

    @cached_property
    def vocab(self) -> list[str]:
        """The converted model's target vocabulary (loaded for glossary terms only)."""
        return _vocabulary(self.converted.path)

    @cached_property
    def index(self) -> dict[str, int]:
        return {tok: i for i, tok in enumerate(self.vocab)}

    @cached_property
    def eos_id(self) -> int:
        eos = read_json(self.converted.path / "config.json").get("eos_token") or "</s>"
        return self.index.get(str(eos), 0)

    @cached_property
    def term_encoder(self) -> TermEncoder:
        """Target-side tokenisation of glossary terms, as indices into the converted vocabulary."""
        unk = self.index.get("<unk>", -1)
        return TermEncoder(lambda text: [self.index.get(t, unk) for t in self.tokens.target(text)], unk,
                           lambda i: self.vocab[i])

    @cached_property
    def glue_mask(self) -> np.ndarray:
        """Vocabulary pieces that continue a word (no leading ▁, starting with a letter or digit)."""
        return np.array([bool(p) and not p.startswith(SPIECE) and p[0].isalnum() for p in self.vocab])

    def _plan(self, terms: Sequence[TermConstraint]) -> _Plan:
        """The required terms to place and the renderings to suppress for one request."""
        plan = self.term_encoder.plan(terms)
        required = plan.required if plan is not None else []
        accepted = {r.strip().casefold() for t in terms for r in (t.target, *t.alternatives) if r.strip()}
        forbidden = [b.strip() for t in terms for b in t.forbidden if b.strip()]
        forbidden = [b for b in forbidden if b.casefold() not in accepted]
        banned: set[tuple[int, ...]] = set()
        for bad in forbidden:
            for form in dict.fromkeys((bad, bad[:1].upper() + bad[1:], bad.lower(), bad.upper())):
                banned |= self.term_encoder.variants(form)
        suppress = tuple(sorted(tuple(self.vocab[i] for i in seq) for seq in banned))
        return _Plan(required, suppress, forbidden, sum(len(t.force) for t in required))

    def _missing(self, item: _Item, hyp: list[str]) -> list[RequiredTerm]:
        gone = {m.strip() for m in missing_terms(self.tokens.decode(hyp), item.terms)}
        return [t for t in item.plan.required if t.target in gone] if item.plan else []

    def _place(self, items: list[_Item], suppress: Suppress | None) -> None:
        """Decode *items*, then place their missing required terms, round by round."""
        if not items:
            return
        base = len(self.tokens.prefix)
        if self.beam == 1:  # greedy: the logits along each draft come with it
            for item, (hyp, rows) in zip(items, self._decode_rows(items, None, suppress), strict=True):
                item.hyp, item.rows, item.frozen = hyp, rows, base
        else:  # beam search (no logits): the n-best entry missing the fewest terms
            nbests = self._decode(items, suppress=suppress, hypotheses=self.beam)
            for item, nbest in zip(items, nbests, strict=True):
                item.hyp = min(nbest, key=lambda h, i=item: len(self._missing(i, h)))  # type: ignore[misc]
                item.rows, item.frozen = None, base
        for _ in range(max(len(it.plan.required) for it in items if it.plan)):
            todo = [(it, miss) for it in items if (miss := self._missing(it, it.hyp or []))]
            if not todo:
                return
            lack = [it for it, _ in todo if it.rows is None]  # logits along the draft: one forced pass
            forced = self._decode_rows(lack, [it.hyp or [] for it in lack], suppress,
                                       [len(it.hyp or []) + 1 for it in lack])
            for item, (_, rows) in zip(lack, forced, strict=True):
                item.rows = rows
            go_on = []
            for item, miss in todo:
                start, chosen = self._choose(item, miss)
                item.hyp = (item.hyp or [])[:start] + [self.vocab[t] for term in chosen for t in term.force]
                item.frozen, item.rows = len(item.hyp), None
                if item.frozen < self._limit(item, []):
                    go_on.append(item)
            self._continue(go_on, suppress)

    def _continue(self, items: list[_Item], suppress: Suppress | None) -> None:
        """Let the model go on after each just-placed term; a word piece glued onto the term is
        replaced by the best word-starting token (or the draft ends there) and it goes on again."""
        for attempt in (1, 2):
            if not items:
                return
            prefixes = [it.hyp or [] for it in items]
            if self.beam == 1:
                out: list[tuple[list[str], _Rows | None]] = list(self._decode_rows(items, prefixes, suppress))
            else:
                out = [(nbest[0], None) for nbest in self._decode(items, prefixes, suppress)]
            glued = []
            for item, (hyp, rows) in zip(items, out, strict=True):
                if attempt == 1 and self._is_glue(hyp[item.frozen : item.frozen + 1]):
                    glued.append(item)
                    item.rows = rows
                else:
                    item.hyp, item.rows = hyp, rows
            lack = [it for it in glued if it.rows is None]
            forced = self._decode_rows(lack, [it.hyp or [] for it in lack], suppress,
                                       [len(it.hyp or []) + 1 for it in lack])
            for item, (_, rows) in zip(lack, forced, strict=True):
                item.rows = rows
            items = []
            for item in glued:
                best = int(item.rows.word[item.frozen])  # type: ignore[union-attr]
                item.rows = None
                if best != self.eos_id:
                    item.hyp = (item.hyp or []) + [self.vocab[best]]
                    items.append(item)

    def _is_glue(self, pieces: list[str]) -> bool:
        i = self.index.get(pieces[0]) if pieces else None
        return bool(i is not None and self.glue_mask[i])

    def _choose(self, item: _Item, missing: list[RequiredTerm]) -> tuple[int, list[RequiredTerm]]:
        """Where to start which missing terms of *item*: the TermEnforcer rules along its draft."""
        hyp, rows, frozen = item.hyp or [], item.rows, item.frozen
        assert rows is not None
        ids = [self.index.get(t, -1) for t in hyp]
        for start in range(frozen, len(ids)):  # the model began a term itself: complete it there
            for term in missing:
                for pos in sorted(term.natural, reverse=True):
                    if tuple(ids[start : start + pos]) == term.force[:pos]:
                        return start, [term]
        budget = self._limit(item, []) - sum(len(t.force) for t in missing)
        last = max(frozen, min(len(hyp), budget))
        for pos in range(frozen, min(last, len(rows.best) - 1) + 1):
            ranked = sorted(missing, key=lambda t: -float(rows.first[t.force[0]][pos]))
            if pos == last or int(rows.argmax[pos]) == self.eos_id:  # stop or out of budget: all of them
                return pos, ranked
            if float(rows.first[ranked[0].force[0]][pos]) >= float(rows.best[pos]) - START_MARGIN:
                return pos, ranked[:1]
        return last, missing


def _vocabulary(path: Path) -> list[str]:
    for name in ("shared_vocabulary", "target_vocabulary"):
        file = path / f"{name}.json"
        if file.is_file():
            return list(json.loads(file.read_text(encoding="utf-8")))
        text = path / f"{name}.txt"
        if text.is_file():
            return text.read_text(encoding="utf-8").split("\n")[:-1]
    raise ModelUnavailableError(f"The converted model in {path} has no vocabulary; delete it and retry.")
