"""Tiny random-weight translation models for tests and benchmarks, built without the hub.

:func:`build_tiny_marian` writes an opus-mt style MarianMT directory (``source.spm``,
``target.spm``, ``vocab.json``, config, generation config, weights) that loads back through
the same code path as a real model.  :func:`build_tiny_m2m100` does the same for the
M2M100/NLLB family (language-code tokens, forced BOS).  The weights are random, so the
outputs are gibberish, but they are deterministic for a seed and depend on the input.
"""

from __future__ import annotations

import io
import json
import string
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).parent
SHARED_SAMPLE = HERE.parents[1] / "shared" / "samples" / "alasr-soleimani-putin.ar.txt"

GLOSSARY_TERMS = (
    "Axis of Resistance",
    "Popular Mobilization Forces",
    "Quds Force",
    "Islamic Revolutionary Guard Corps",
    "Hezbollah",
    "Hizbullah",
    "Qassem Soleimani",
    "Vladimir Putin",
    "Bashar al-Assad",
    "Islamic State",
    "Security Council",
    "United Nations",
)

# Every character the tests may feed the model, so none of them becomes <unk>.
_COVERAGE = (
    string.printable.strip(),
    "".join(chr(c) for c in range(0x0621, 0x0656)),  # Arabic letters and harakat
    "٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ ، ؛ ؟ ـ « » “ ” – — … ٪",
    "ٱ ى ة پ چ ژ گ ک ی",
)

_ENGLISH = (
    "The Security Council met on Tuesday to discuss the situation in Syria.",
    "The general travelled to Moscow and met the Russian president.",
    "Russia sent its air force to support the Syrian army in 2015.",
    "The fighters of the Popular Mobilization Forces took part in the battle.",
    "He said the Axis of Resistance would not accept foreign interference.",
    "Hezbollah and the Quds Force coordinated their operations on the ground.",
)


def default_vocab_text() -> list[str]:
    """Arabic and English lines that cover every character the tests use."""
    lines: list[str] = []
    data = HERE / "data"
    samples = sorted(data.glob("*.ar.txt")) if data.is_dir() else []
    if not samples and SHARED_SAMPLE.is_file():
        samples = [SHARED_SAMPLE]
    for sample in samples:
        lines += [ln for ln in sample.read_text(encoding="utf-8").splitlines() if ln.strip()]
    lines += list(_ENGLISH) + list(_COVERAGE)
    lines += [term for term in GLOSSARY_TERMS for _ in range(3)]
    return lines


def train_sentencepiece(lines: Iterable[str], *, vocab_size: int, model_type: str = "unigram") -> bytes:
    """A serialised sentencepiece model trained in memory on *lines*."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        model_type=model_type,
        normalization_rule_name="identity",
        character_coverage=1.0,
        hard_vocab_limit=False,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        unk_id=0,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not sp.is_unknown(i)]


def _quiet() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def build_tiny_marian(
    path: Path,
    *,
    seed: int = 0,
    d_model: int = 32,
    layers: int = 1,
    vocab_text: Iterable[str] | None = None,
    vocab_size: int = 1000,
    spm_type: str = "unigram",
    ffn_dim: int | None = None,
    heads: int | None = None,
    init_std: float = 0.5,
) -> Path:
    """Write a random MarianMT model laid out like an opus-mt checkpoint to *path*.

    ``vocab_size`` is the sentencepiece target; a small corpus may yield fewer pieces.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    _quiet()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    lines = list(vocab_text) if vocab_text is not None else default_vocab_text()
    spm_bytes = train_sentencepiece(lines, vocab_size=vocab_size, model_type=spm_type)
    (path / "source.spm").write_bytes(spm_bytes)
    (path / "target.spm").write_bytes(spm_bytes)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(spm_bytes):
        vocab.setdefault(piece, len(vocab))
    pad = len(vocab)
    vocab["<pad>"] = pad
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    tokenizer = MarianTokenizer(
        source_spm=str(path / "source.spm"),
        target_spm=str(path / "target.spm"),
        vocab=str(path / "vocab.json"),
        source_lang="ar",
        target_lang="en",
    )
    tokenizer.save_pretrained(path)

    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads or max(1, d_model // 16),
        decoder_attention_heads=heads or max(1, d_model // 16),
        encoder_ffn_dim=ffn_dim or 2 * d_model,
        decoder_ffn_dim=ffn_dim or 2 * d_model,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        init_std=init_std,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]],
        bos_token_id=0,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=512,
        num_beams=4,
        pad_token_id=pad,
    )
    model.save_pretrained(path)
    return path


def build_tiny_m2m100(
    path: Path, *, seed: int = 0, d_model: int = 32, vocab_text: Iterable[str] | None = None
) -> Path:
    """Write a random M2M100 model (``__ar__``/``__en__`` language tokens) to *path*."""
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    _quiet()
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    lines = list(vocab_text) if vocab_text is not None else default_vocab_text()
    spm_bytes = train_sentencepiece(lines, vocab_size=1000)
    (path / "sentencepiece.bpe.model").write_bytes(spm_bytes)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _pieces(spm_bytes):
        vocab.setdefault(piece, len(vocab))
    (path / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    # The language tokens are registered as the real checkpoints' tokenizer_config does, so that
    # converters that read the vocabulary (CTranslate2) see them too.
    tokenizer = M2M100Tokenizer(
        vocab_file=str(path / "vocab.json"),
        spm_file=str(path / "sentencepiece.bpe.model"),
        src_lang="ar",
        tgt_lang="en",
        additional_special_tokens=[f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]],
    )
    tokenizer.save_pretrained(path)
    config = M2M100Config(
        vocab_size=len(vocab) + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words,
        d_model=d_model,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        max_position_embeddings=512,
        init_std=0.5,
        scale_embedding=True,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2, max_length=200, num_beams=5
    )
    model.save_pretrained(path)
    return path
