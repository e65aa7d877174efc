"""Glossary term enforcement during decoding.

A request's :class:`~tm.engines.base.TermConstraint`\\ s become a :class:`TermPlan`: token
sequences for each required target (the one to force, and every variant that counts as
placed) and for each forbidden rendering.  :class:`TermEnforcer` is a transformers logits
processor that, per hypothesis (batch and beam aware):

* blocks end-of-sentence while a required term is still missing;
* starts a missing term when the model would rather stop, when the term's first token is
  nearly as likely as the best token, or when the length budget is running out;
* forces the continuation of a term once it is started (or once the model itself has
  emitted a distinctive part of it) and forbids gluing a word onto a term just completed;
* forbids the last token of each forbidden rendering after the rest of it.

Each hypothesis carries a small state (an Aho-Corasick node over the plan's token
sequences, the set of placed terms, the term being forced) advanced by one token per step
(beam hypotheses, which transformers reorders, find their parent's state by token prefix),
so a step costs a few dictionary look-ups per hypothesis and a handful of tensor writes.
Whether a term was placed in the final text is decided by :func:`missing_terms`
(case-insensitive, on word boundaries).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tm.engines.base import TermConstraint

Tokens = tuple[int, ...]
_ANCHORS = ('"', "(", "'")  # prefixes that tokenise on their own, to get word-initial pieces without "▁"
_NATURAL_MIN_CHARS = 3  # a model-emitted prefix of a term this long (in characters) is continued
_FORCED_FLOOR = -1e4  # score of a forced token that something else had ruled out (keeps the beam alive)


@lru_cache(maxsize=4096)
def _term_regex(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def term_placed(text: str, renderings: Iterable[str]) -> bool:
    """Whether *text* contains one of *renderings*, case-insensitively, as whole words."""
    return any(r.strip() and _term_regex(r.strip()).search(text) for r in renderings)


def missing_terms(text: str, terms: Sequence[TermConstraint]) -> list[str]:
    """The required targets of *terms* that *text* does not carry (each once, in order)."""
    missing: list[str] = []
    for term in terms:
        if term.target.strip() and not term_placed(text, (term.target, *term.alternatives)):
            if term.target not in missing:
                missing.append(term.target)
    return missing


def _case_forms(text: str, *, upper: bool = False) -> list[str]:
    forms = [text, text[:1].upper() + text[1:], text.lower()]
    if upper:
        forms.append(text.upper())
    return list(dict.fromkeys(forms))


class TermEncoder:
    """Target-side token sequences for terms; *encode* tokenises text without special tokens."""

    def __init__(
        self,
        encode: Callable[[str], list[int]],
        unk_id: int | None,
        piece: Callable[[int], str] | None = None,
    ):
        self._encode = encode
        self._unk = unk_id
        self._piece = piece or (lambda _: "")
        self._cache: dict[str, Tokens | None] = {}

    def _natural(self, force: Tokens) -> tuple[int, ...]:
        """Positions at which a model-emitted prefix of *force* is continued: mid-word, 3+ characters."""
        out, chars = [], 0
        for pos in range(1, len(force)):
            chars += len(self._piece(force[pos - 1]).lstrip("\u2581"))
            if chars >= _NATURAL_MIN_CHARS and not self._piece(force[pos]).startswith("\u2581"):
                out.append(pos)
        return tuple(out)

    def tokens(self, text: str) -> Tokens | None:
        """The tokens of *text* as a word after a space, or ``None`` if it cannot be spelled."""
        if text not in self._cache:
            ids = tuple(self._encode(text))
            self._cache[text] = ids if ids and self._unk not in ids else None
        return self._cache[text]

    def glued(self, text: str) -> Tokens | None:
        """The tokens of *text* glued to a preceding character (after a quote or bracket)."""
        for anchor in _ANCHORS:
            head, both = self.tokens(anchor), self.tokens(anchor + text)
            if head and both and len(both) > len(head) and both[: len(head)] == head:
                return both[len(head) :]
        return None

    def variants(self, text: str) -> set[Tokens]:
        """The tokenisations of *text* after a space and glued to a preceding character."""
        return {v for v in (self.tokens(text), self.glued(text)) if v is not None}

    def plan(self, terms: Sequence[TermConstraint]) -> TermPlan | None:
        """The plan for one request's *terms*, or ``None`` when there is nothing to enforce."""
        required: list[RequiredTerm] = []
        seen: set[str] = set()
        accepted: set[str] = set()
        for term in terms:
            key = term.target.strip().casefold()
            renderings = [r.strip() for r in (term.target, *term.alternatives) if r.strip()]
            accepted.update(r.casefold() for r in renderings)
            if not key or key in seen:
                continue
            seen.add(key)
            force = self.tokens(term.target.strip())
            if force is None:
                continue  # cannot be spelled with this vocabulary: reported missing afterwards
            detect = {v for r in renderings for form in _case_forms(r) for v in self.variants(form)}
            required.append(RequiredTerm(term.target.strip(), force, frozenset(detect), self._natural(force)))
        forbidden: set[Tokens] = set()
        glued_single: set[int] = set()  # one glued piece: banned only after a non-word piece
        for term in terms:
            for bad in term.forbidden:
                if bad.strip() and bad.strip().casefold() not in accepted:
                    for form in _case_forms(bad.strip(), upper=True):
                        spaced, glued = self.tokens(form), self.glued(form)
                        forbidden.update(v for v in (spaced, glued) if v is not None and len(v) > 1)
                        if spaced is not None and len(spaced) == 1:
                            forbidden.add(spaced)
                        if glued is not None and len(glued) == 1:
                            glued_single.add(glued[0])
        if not required and not forbidden and not glued_single:
            return None
        return TermPlan(required, sorted(forbidden), sorted(glued_single))


@dataclass(frozen=True)
class RequiredTerm:
    """A required target: the tokens forced to place it and every tokenisation that counts."""

    target: str
    force: Tokens
    detect: frozenset[Tokens]
    natural: tuple[int, ...] = ()  # positions of *force* continued when the model emitted the rest


class TermPlan:
    """Token sequences to place and to avoid for one request, compiled to an automaton."""

    def __init__(
        self, required: Sequence[RequiredTerm], forbidden: Sequence[Tokens], glued_single: Sequence[int] = ()
    ):
        self.required = list(required)
        self.glued_single = tuple(glued_single)
        self.force: list[Tokens] = [term.force for term in required]
        self.all_mask = (1 << len(self.force)) - 1
        goto: list[dict[int, int]] = [{}]
        hits: list[int] = [0]  # required-term bits whose variant ends at the node
        direct_bans: list[set[int]] = [set()]

        def insert(seq: Tokens) -> int:
            node = 0
            for tok in seq:
                if tok not in goto[node]:
                    goto[node][tok] = len(goto)
                    goto.append({})
                    hits.append(0)
                    direct_bans.append(set())
                node = goto[node][tok]
            return node

        for i, term in enumerate(required):
            for seq in term.detect | {term.force}:
                hits[insert(seq)] |= 1 << i
        for seq in forbidden:
            direct_bans[insert(seq[:-1])].add(seq[-1])
        # Natural continuation: trie nodes on a forced sequence's path where it is distinctive.
        self._natural: dict[int, list[tuple[int, int]]] = {}
        for i, term in enumerate(required):
            node = 0
            for pos, tok in enumerate(term.force[:-1], start=1):
                node = goto[node][tok]
                if pos in term.natural:
                    self._natural.setdefault(node, []).append((i, pos))
        fail = [0] * len(goto)
        self.bans: list[tuple[int, ...]] = [()] * len(goto)
        self.bans[0] = tuple(sorted(direct_bans[0]))
        queue = deque(goto[0].values())
        while queue:
            node = queue.popleft()
            hits[node] |= hits[fail[node]]
            self.bans[node] = tuple(sorted(direct_bans[node] | set(self.bans[fail[node]])))
            for tok, child in goto[node].items():
                f = fail[node]
                while f and tok not in goto[f]:
                    f = fail[f]
                fail[child] = goto[f][tok] if node and tok in goto[f] else 0
                queue.append(child)
        self._goto, self._fail, self.hits = goto, fail, hits
        self._step_cache: dict[tuple[int, int], int] = {}
        self.first = [force[0] for force in self.force]

    def step(self, node: int, tok: int) -> int:
        """The automaton node after *tok*."""
        key = (node, tok)
        nxt = self._step_cache.get(key)
        if nxt is None:
            n = node
            while n and tok not in self._goto[n]:
                n = self._fail[n]
            nxt = self._goto[n].get(tok, 0)
            self._step_cache[key] = nxt
        return nxt

    def advance(self, state: State, tok: int) -> State:
        """The state after one more token."""
        node, sat, active, _ = state
        node = self.step(node, tok)
        new = self.hits[node] & ~sat
        sat |= self.hits[node]
        if active is not None:
            i, pos = active
            active = (i, pos + 1) if tok == self.force[i][pos] and pos + 1 < len(self.force[i]) else None
        if active is None and sat != self.all_mask:
            for i, pos in self._natural.get(node, ()):
                if not sat >> i & 1:
                    active = (i, pos)
                    break
        return (node, sat, active, bool(new))

    def scan(self, tokens: Iterable[int]) -> State:
        """The state after *tokens* from the start."""
        state: State = (0, 0, None, False)
        for tok in tokens:
            state = self.advance(state, tok)
        return state


# (automaton node, bitmask of placed required terms, (term, position) being forced, term just completed)
State = tuple[int, int, "tuple[int, int] | None", bool]


@dataclass
class _Actions:
    force_rows: list[int]
    force_toks: list[int]
    eos_rows: list[int]
    ban_rows: list[int]
    ban_toks: list[int]
    glue_rows: list[int]
    candidates: list[tuple[int, int, int]]  # (row, request, missing-terms mask)


class TermEnforcer:
    """A logits processor enforcing one :class:`TermPlan` per request (``None``: unconstrained).

    *caps* bounds each request's generated tokens (see :class:`LengthCap`); *prompt_len* is the
    number of decoder tokens before the first generated one (decoder start, forced language code).
    """

    def __init__(
        self,
        plans: Sequence[TermPlan | None],
        *,
        eos_token_id: int,
        caps: Sequence[int],
        num_beams: int = 1,
        prompt_len: int = 1,
        glue_mask: Any = None,
        word_end: Sequence[bool] | None = None,
        start_margin: float = 2.0,
    ):
        self.plans, self.caps, self.beams = list(plans), list(caps), num_beams
        self.eos, self.prompt_len, self.margin = eos_token_id, prompt_len, start_margin
        self.glue_mask = glue_mask  # bool tensor over the vocabulary: pieces that continue a word
        self.word_end = word_end  # per piece: ends with a letter or digit (None: never)
        self._states: dict[Any, State] = {}
        self._pending: dict[Any, tuple[int, int, int]] = {}
        self._last_len = -1

    def _keys(self, r: int, b: int, seq: list[int]) -> tuple[Any, Any]:
        if self.beams == 1:
            return r, r
        full = tuple(seq)
        return (b, full), (b, full[:-1])

    def _state(self, key: Any, parent: Any, plan: TermPlan, seq: list[int], prev: dict[Any, State]) -> State:
        before = prev.get(parent)
        state = plan.advance(before, seq[-1]) if before is not None else plan.scan(seq[self.prompt_len :])
        pending = self._pending.get(key)
        if pending is not None and seq[-1] == pending[2]:
            state = (state[0], state[1], (pending[0], pending[1]), state[3])
        return state

    def _collect(self, seqs: list[list[int]], cur: int) -> _Actions:
        prev = self._states if self._last_len == cur - 1 else {}
        states: dict[Any, State] = {}
        acts = _Actions([], [], [], [], [], [], [])
        for r, seq in enumerate(seqs):
            b = r // self.beams
            plan = self.plans[b]
            if plan is None:
                continue
            key, parent = self._keys(r, b, seq)
            state = states.get(key)
            if state is None:
                state = states[key] = self._state(key, parent, plan, seq, prev)
            node, sat, active, fresh = state
            if active is not None:
                acts.force_rows.append(r)
                acts.force_toks.append(plan.force[active[0]][active[1]])
                continue
            bans = plan.bans[node]
            if plan.glued_single and (
                cur == self.prompt_len or self.word_end is None or not self.word_end[seq[-1]]
            ):
                bans = bans + plan.glued_single
            acts.ban_rows.extend([r] * len(bans))
            acts.ban_toks.extend(bans)
            if fresh:
                acts.glue_rows.append(r)
            missing = plan.all_mask & ~sat
            if missing:
                acts.eos_rows.append(r)
                acts.candidates.append((r, b, missing))
        self._states, self._last_len = states, cur
        return acts

    def _starts(self, scores: Any, acts: _Actions, cur: int, seqs: list[list[int]]) -> None:
        """Decide which hypotheses start a missing term now (appends to the forced rows)."""
        import torch

        best, arg = scores.max(-1)  # over all rows: cheaper than copying the candidates' rows out
        pair_k, pair_row, pair_tok, pair_term = [], [], [], []
        for k, (r, b, missing) in enumerate(acts.candidates):
            plan = self.plans[b]
            assert plan is not None
            for i, tok in enumerate(plan.first):
                if missing >> i & 1:
                    pair_k.append(k)
                    pair_row.append(r)
                    pair_tok.append(tok)
                    pair_term.append(i)
        dev = scores.device
        vals_l = scores[torch.tensor(pair_row, device=dev), torch.tensor(pair_tok, device=dev)].tolist()
        best_l, arg_l = best.tolist(), arg.tolist()
        choice: dict[int, tuple[float, int, int]] = {}
        for k, tok, i, v in zip(pair_k, pair_tok, pair_term, vals_l, strict=True):
            if k not in choice or v > choice[k][0]:
                choice[k] = (v, tok, i)
        self._pending = {}
        generated = cur - self.prompt_len
        for k, (r, b, missing) in enumerate(acts.candidates):
            v, tok, i = choice[k]
            plan = self.plans[b]
            assert plan is not None
            need = sum(len(f) for j, f in enumerate(plan.force) if (missing >> j) & 1 == 1)
            budget_low = self.caps[b] - generated <= need
            if arg_l[r] == self.eos or v >= best_l[r] - self.margin or budget_low:
                acts.force_rows.append(r)
                acts.force_toks.append(tok)
                if len(plan.force[i]) > 1:
                    child, _ = self._keys(r, b, [*seqs[r], tok])
                    self._pending[child] = (i, 1, tok)

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        cur = input_ids.shape[1]
        if cur < self.prompt_len:
            return scores
        seqs = input_ids.tolist()
        acts = self._collect(seqs, cur)
        if acts.candidates:
            self._starts(scores, acts, cur, seqs)
        else:
            self._pending = {}
        dev, ninf = scores.device, float("-inf")
        if acts.ban_rows:
            scores[torch.tensor(acts.ban_rows, device=dev), torch.tensor(acts.ban_toks, device=dev)] = ninf
        if acts.eos_rows:
            scores[torch.tensor(acts.eos_rows, device=dev), self.eos] = ninf
        if acts.glue_rows and self.glue_mask is not None:
            rows = torch.tensor(acts.glue_rows, device=dev)
            scores[rows] = scores[rows].masked_fill(self.glue_mask[: scores.shape[-1]], ninf)
        if acts.force_rows:
            # The forced token keeps the model's score, so beams still rank by model probability.
            rows, toks = torch.tensor(acts.force_rows, device=dev), torch.tensor(acts.force_toks, device=dev)
            kept = scores[rows, toks].clamp(min=_FORCED_FLOOR)
            scores[rows] = ninf
            scores[rows, toks] = kept
        return scores


class LengthCap:
    """A logits processor ending each request's hypotheses after ``caps[request]`` generated tokens.

    It also bans the *suppress* tokens everywhere (cheaper than a one-token ``bad_words_ids``).
    """

    def __init__(
        self,
        caps: Sequence[int],
        *,
        eos_token_id: int,
        num_beams: int = 1,
        prompt_len: int = 1,
        suppress: Sequence[int] = (),
    ):
        self.limits = [c + prompt_len for c in caps for _ in range(num_beams)]
        self.eos, self.suppress = eos_token_id, list(suppress)

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if self.suppress:
            scores[:, self.suppress] = float("-inf")
        cur = input_ids.shape[1]
        done = [r for r, limit in enumerate(self.limits) if limit <= cur]
        if done:
            rows = torch.tensor(done, device=scores.device)
            scores[rows] = float("-inf")
            scores[rows, self.eos] = 0.0
        return scores
