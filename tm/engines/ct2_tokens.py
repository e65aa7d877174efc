"""Tokenisation for the CTranslate2 engine: sentencepiece directly for Marian, else the model's tokenizer."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

SPIECE = "\u2581"  # sentencepiece word-start mark
MARKUP = re.compile(r"<[^<>]+>")  # byte (<0x41>) and control pieces: only the processor decodes them


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _token(value: Any, default: str) -> str:
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) and value else default


def _processor(path: Path) -> Any:
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=str(path))


class SentencePieceTokens:
    """Marian tokenisation straight from ``source.spm``/``target.spm``, as ``MarianTokenizer`` does it."""

    prefix: list[str] = []  # target tokens every draft starts with (a language code)

    def __init__(self, path: Path):
        config = read_json(path / "tokenizer_config.json")
        self.path = path
        self.source_spm = _processor(path / "source.spm")  # now, so that a broken file fails at load
        self.separate = bool(config.get("separate_vocabs"))
        self.cleanup = bool(config.get("clean_up_tokenization_spaces", False))
        self.eos = _token(config.get("eos_token"), "</s>")
        unk, pad = _token(config.get("unk_token"), "<unk>"), _token(config.get("pad_token"), "<pad>")
        self.specials = {self.eos, unk, pad}

    @staticmethod
    def supports(path: Path) -> bool:
        """Whether *path* holds a Marian model with its sentencepiece files."""
        marian = read_json(path / "config.json").get("model_type") == "marian"
        return marian and all((path / f).is_file() for f in ("source.spm", "target.spm", "vocab.json"))

    def source(self, texts: Sequence[str], max_length: int) -> list[list[str]]:
        return [self.source_spm.encode(t, out_type=str)[: max_length - 1] + [self.eos] for t in texts]

    @cached_property
    def source_spm(self) -> Any:
        """The source sentencepiece model (~11 MB for a 62k vocabulary), loaded again after :meth:`release`."""
        return _processor(self.path / "source.spm")

    @cached_property
    def target_spm(self) -> Any:
        """The target sentencepiece model, loaded when first needed: for glossary terms."""
        return _processor(self.path / "target.spm")

    def release(self) -> None:
        """Drop the sentencepiece models until they are needed again: while drafts are decoded
        nothing needs them (:meth:`decode` joins plain pieces itself), so CTranslate2 gets the memory."""
        self.__dict__.pop("source_spm", None)
        self.__dict__.pop("target_spm", None)

    def target(self, text: str) -> list[str]:
        return list(self.target_spm.encode(text, out_type=str))

    def decode(self, tokens: Sequence[str]) -> str:
        """Text of *tokens*, as ``MarianTokenizer.decode(..., skip_special_tokens=True)``: it decodes with the
        target model when the vocabularies are separate and the source model otherwise.  Plain pieces decode
        to themselves with word-start marks made spaces (pieces a model does not know too), so only byte and
        control pieces need the sentencepiece model."""
        pieces = [t for t in tokens if t not in self.specials]
        if any(MARKUP.fullmatch(p) for p in pieces):
            decoder = self.target_spm if self.separate else self.source_spm
            text = str(decoder.decode_pieces(pieces))
        else:
            text = "".join(pieces)
        text = text.replace(SPIECE, " ").strip()
        if self.cleanup:  # transformers' clean_up_tokenization
            for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                         (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
                text = text.replace(a, b)
        return text


class TransformersTokens:
    """Tokenisation with the model's transformers tokenizer (M2M100, NLLB, mBART-50...)."""

    def __init__(self, path: Path):
        import warnings

        from transformers import AutoTokenizer

        from tm.engines.hf import language_codes
        from tm.engines.hub import quiet_transformers

        quiet_transformers()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.tok = AutoTokenizer.from_pretrained(str(path))
        codes = language_codes(self.tok)
        self.prefix: list[str] = []
        if codes is not None:
            self.tok.src_lang, self.tok.tgt_lang = codes.src_lang, codes.tgt_lang
            self.prefix = [codes.bos_token]

    def release(self) -> None:
        """Nothing to drop: the transformers tokenizer stays loaded."""

    def source(self, texts: Sequence[str], max_length: int) -> list[list[str]]:
        enc = self.tok(list(texts), truncation=True, max_length=max_length)
        return [list(self.tok.convert_ids_to_tokens(ids)) for ids in enc["input_ids"]]

    def target(self, text: str) -> list[str]:
        ids = self.tok(text_target=text, add_special_tokens=False)["input_ids"]
        return list(self.tok.convert_ids_to_tokens(ids))

    def decode(self, tokens: Sequence[str]) -> str:
        ids = self.tok.convert_tokens_to_ids(list(tokens))
        return str(self.tok.decode(ids, skip_special_tokens=True)).strip()
