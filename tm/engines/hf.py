"""The transformers engine: Marian (opus-mt) and M2M100/NLLB/mBART-50 sequence-to-sequence models."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, LogitsProcessorList

from tm.engines.base import Draft, ProgressCallback, Request
from tm.engines.constraints import LengthCap, TermEncoder, TermEnforcer, TermPlan, missing_terms
from tm.engines.hub import model_label, quiet_transformers, resolve_model
from tm.errors import EngineError, InputError, ModelUnavailableError

LENGTH_RATIO = 2.0  # generated tokens allowed per source token, plus LENGTH_SLACK
LENGTH_SLACK = 10


@dataclass(frozen=True)
class LanguageCodes:
    """How a multilingual model is told to translate Arabic into English."""

    src_lang: str  # value for ``tokenizer.src_lang``
    tgt_lang: str  # value for ``tokenizer.tgt_lang``
    bos_token: str  # target-language token forced first in the output


# NLLB-200, M2M100, mBART-50
_LANGUAGE_CODES = (
    LanguageCodes("arb_Arab", "eng_Latn", "eng_Latn"),
    LanguageCodes("ar", "en", "__en__"),
    LanguageCodes("ar_AR", "en_XX", "en_XX"),
)


def language_codes(tokenizer: Any) -> LanguageCodes | None:
    """The Arabic→English codes of a multilingual *tokenizer*, ``None`` for a one-pair model."""
    if not hasattr(tokenizer, "src_lang"):
        return None
    for codes in _LANGUAGE_CODES:
        token_id = tokenizer.convert_tokens_to_ids(codes.bos_token)
        if isinstance(token_id, int) and token_id != tokenizer.unk_token_id:
            return codes
    return None


def pick_device(device: str | None) -> torch.device:
    """*device*, or CUDA when available and CPU otherwise."""
    if device in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        chosen = torch.device(device)
    except (RuntimeError, TypeError):
        raise InputError(f"Unknown device {device!r}; use cpu, cuda or cuda:N.") from None
    if chosen.type == "cuda" and not torch.cuda.is_available():
        raise EngineError(f"Device {device} was asked for but CUDA is not available; use --device cpu.")
    return chosen


class TransformersEngine:
    """Translate with a transformers sequence-to-sequence model, enforcing glossary terms."""

    name = "transformers"

    def __init__(
        self,
        model: str,
        batch_size: int = 16,
        beam: int = 1,
        device: str | None = None,
        max_length: int = 512,
        *,
        enforce_terms: bool = True,
    ):
        if batch_size < 1 or beam < 1 or max_length < 8:
            raise InputError("Batch size and beam must be at least 1 and max length at least 8.")
        self.model = model_label(model)
        self.batch_size, self.beam, self.max_length = batch_size, beam, max_length
        self.enforce_terms = enforce_terms
        self.length_ratio, self.length_slack = LENGTH_RATIO, LENGTH_SLACK
        path = resolve_model(model)
        self.device = pick_device(device)
        self.dtype = torch.float16 if self.device.type == "cuda" else torch.float32
        quiet_transformers()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.tokenizer = AutoTokenizer.from_pretrained(path)
                net = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=self.dtype)
        except (OSError, ValueError, KeyError, ImportError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelUnavailableError(f"Model {model} cannot be loaded: {first}") from None
        self.net = net.to(self.device).eval()
        self.codes = language_codes(self.tokenizer)
        self.generation_config = self._generation_config()
        self._terms: TermEncoder | None = None
        self._glue: torch.Tensor | None = None
        self._word_end: list[bool] = []

    def _generation_config(self) -> Any:
        config = self.net.generation_config
        config = config.__class__.from_dict(config.to_dict())
        config.num_beams = self.beam
        config.do_sample = False
        config.num_return_sequences = 1
        config.max_new_tokens = None
        if self.beam == 1:
            config.early_stopping = False
        bad = [list(b) for b in (config.bad_words_ids or [])]
        self._suppress = [b[0] for b in bad if len(b) == 1]
        config.bad_words_ids = [b for b in bad if len(b) > 1] or None
        if self.codes is not None:
            self.tokenizer.src_lang = self.codes.src_lang
            self.tokenizer.tgt_lang = self.codes.tgt_lang
            config.forced_bos_token_id = self.tokenizer.convert_tokens_to_ids(self.codes.bos_token)
        return config

    @property
    def details(self) -> dict[str, str]:
        """Beam, device and dtype, recorded with each draft."""
        return {"beam": str(self.beam), "device": str(self.device), "dtype": str(self.dtype).split(".")[-1]}

    @property
    def prompt_len(self) -> int:
        """Decoder tokens before the first generated one."""
        return 1 + (self.generation_config.forced_bos_token_id is not None)

    @property
    def eos_token_id(self) -> int:
        eos = self.generation_config.eos_token_id
        return int(eos[0] if isinstance(eos, list) else eos)

    def term_encoder(self) -> TermEncoder:
        """Target-side tokenisation of glossary terms for this model."""
        if self._terms is None:
            tok = self.tokenizer

            def encode(text: str) -> list[int]:
                return list(tok(text_target=text, add_special_tokens=False)["input_ids"])

            def piece(token_id: int) -> str:
                return str(tok.convert_ids_to_tokens(token_id))

            self._terms = TermEncoder(encode, tok.unk_token_id, piece)
        return self._terms

    def _piece_flags(self) -> tuple[torch.Tensor, list[bool]]:
        """Per vocabulary piece: continues a word (no ▁, starts alphanumeric); ends alphanumeric."""
        if self._glue is None:
            size = self.net.get_output_embeddings().weight.shape[0]
            pieces = self.tokenizer.convert_ids_to_tokens(list(range(min(size, len(self.tokenizer)))))
            special = set(self.tokenizer.all_special_tokens)
            pieces = [p if p and p not in special else "" for p in pieces] + [""] * (size - len(pieces))
            glue = [bool(p) and not p.startswith("\u2581") and p[0].isalnum() for p in pieces]
            self._glue = torch.tensor(glue, dtype=torch.bool, device=self.device)
            self._word_end = [bool(p) and p[-1].isalnum() for p in pieces]
        return self._glue, self._word_end

    def source_tokens(self, sources: Sequence[str]) -> list[int]:
        """How many tokens (special ones included) each source is, untruncated: see :mod:`tm.engines.split`."""
        if not sources:
            return []
        return [len(ids) for ids in self.tokenizer(list(sources))["input_ids"]]

    def encode_sources(self, sources: Sequence[str]) -> list[list[int]]:
        """Source token ids (with special tokens), truncated to the model's maximum length."""
        if not sources:
            return []
        enc = self.tokenizer(list(sources), truncation=True, max_length=self.max_length)
        return [list(ids) for ids in enc["input_ids"]]

    def cap(self, source_len: int, plan: TermPlan | None) -> int:
        """How many tokens a draft of a *source_len*-token source may have."""
        terms = sum(len(f) for f in plan.force) if plan else 0
        cap = math.ceil(source_len * self.length_ratio) + self.length_slack + terms
        return max(1, min(cap, self.max_length - self.prompt_len - 1))

    def translate(
        self, requests: Sequence[Request], *, progress: ProgressCallback | None = None
    ) -> list[Draft]:
        """Drafts for *requests*, in the same order (translated in length-sorted batches)."""
        texts: list[str] = [""] * len(requests)
        todo = [i for i, r in enumerate(requests) if r.source.strip()]  # a blank source gets a blank draft
        if progress is not None and len(todo) < len(requests):
            progress(len(requests) - len(todo))
        ids = dict(zip(todo, self.encode_sources([requests[i].source for i in todo]), strict=True))
        order = sorted(todo, key=lambda i: -len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            outputs = self._generate([ids[i] for i in batch], [requests[i] for i in batch])
            for i, text in zip(batch, outputs, strict=True):
                texts[i] = text
            if progress is not None:
                progress(len(batch))
        return [Draft(text, missing_terms(text, r.terms)) for text, r in zip(texts, requests, strict=True)]

    def _generate(self, ids: list[list[int]], requests: list[Request]) -> list[str]:
        pad = self.tokenizer.pad_token_id
        width = max(len(x) for x in ids)
        input_ids = torch.tensor([x + [pad] * (width - len(x)) for x in ids], device=self.device)
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids], device=self.device)
        plans: list[TermPlan | None] = [None] * len(requests)
        if self.enforce_terms and any(r.terms for r in requests):
            encoder = self.term_encoder()
            plans = [encoder.plan(r.terms) if r.terms else None for r in requests]
        caps = [self.cap(len(x), plan) for x, plan in zip(ids, plans, strict=True)]
        common = {"eos_token_id": self.eos_token_id, "num_beams": self.beam, "prompt_len": self.prompt_len}
        processors = LogitsProcessorList()
        if any(p is not None for p in plans):
            glue, word_end = self._piece_flags()
            processors.append(TermEnforcer(plans, caps=caps, glue_mask=glue, word_end=word_end, **common))
        processors.append(LengthCap(caps, suppress=self._suppress, **common))
        with torch.inference_mode():
            out = self.net.generate(
                input_ids=input_ids,
                attention_mask=mask,
                generation_config=self.generation_config,
                logits_processor=processors,
                max_length=self.prompt_len + max(caps) + 2,
            )
        return [t.strip() for t in self.tokenizer.batch_decode(out, skip_special_tokens=True)]
