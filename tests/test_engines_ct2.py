"""The CTranslate2 engine on the tiny Marian model: same tokens as transformers, terms, cache, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tm.engines.base import Request, TermConstraint
from tm.errors import EngineError, InputError, ModelUnavailableError

ct2 = pytest.importorskip("ctranslate2")

DATA = Path(__file__).parent / "data"
ALL = [s for s in (DATA / "alasr-soleimani-putin.ar.seg.txt").read_text(encoding="utf-8").splitlines() if s]
SEGMENTS = sorted(ALL, key=len)[::3]  # 8 segments, shortest to longest


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path_factory.getbasetemp() / "tm-cache"
    monkeypatch.setenv("TM_CACHE", str(cache))
    monkeypatch.setenv("TM_THREADS", "1")
    return cache


@pytest.fixture(scope="module")
def hf(tiny_model: Path):
    from tm.engines.hf import TransformersEngine

    return TransformersEngine(str(tiny_model), batch_size=8)


@pytest.fixture(scope="module")
def hf_beam3(tiny_model: Path):
    from tm.engines.hf import TransformersEngine

    return TransformersEngine(str(tiny_model), batch_size=8, beam=3)


def engine(model: Path, **kw):
    from tm.engines.ct2 import CTranslate2Engine

    kw.setdefault("compute_type", "float32")
    return CTranslate2Engine(str(model), batch_size=8, threads=1, **kw)


def test_import_and_load_do_not_import_torch(tiny_model: Path):
    engine(tiny_model)  # converted here (in this process), then loaded again in a fresh one
    code = (
        "import sys; from tm.engines.ct2 import CTranslate2Engine; from tm.engines.base import Request\n"
        f"e = CTranslate2Engine({str(tiny_model)!r}, compute_type='float32', threads=1)\n"
        "assert not e.converted.converted\n"
        "print(e.translate([Request('قال بوتين')])[0].text)\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


def _hf_tokens(hf, sources: list[str]) -> list[list[str]]:
    """What transformers' generate emits for each source alone, greedy and length-capped like the engine."""
    import torch
    from transformers import LogitsProcessorList

    from tm.engines.constraints import LengthCap

    out = []
    for ids in hf.encode_sources(sources):
        cap = hf.cap(len(ids), None)
        proc = LengthCap([cap], eos_token_id=hf.eos_token_id, prompt_len=hf.prompt_len)
        with torch.inference_mode():
            gen = hf.net.generate(input_ids=torch.tensor([ids]), generation_config=hf.generation_config,
                                  logits_processor=LogitsProcessorList([proc]), max_length=cap + 3)
        toks = hf.tokenizer.convert_ids_to_tokens(gen[0].tolist()[hf.prompt_len:])
        out.append([t for t in toks if t not in ("</s>", "<pad>")])
    return out


def test_float32_greedy_gives_the_transformers_tokens(tiny_model: Path, hf):
    mine = engine(tiny_model)
    assert mine.translate_tokens(SEGMENTS) == _hf_tokens(hf, SEGMENTS)
    drafts = mine.translate([Request(s) for s in SEGMENTS])
    assert [d.text for d in drafts] == [d.text for d in hf.translate([Request(s) for s in SEGMENTS])]
    assert len({d.text for d in drafts}) > len(SEGMENTS) // 2  # input-dependent, not one string


@pytest.mark.parametrize("text", [*SEGMENTS[:5], "  مسافات   كثيرة  ", "Latin and ١٢٣ digits.",
                                  "«اقتباس» — ؟"],
                         ids=["s1", "s2", "s3", "s4", "s5", "spaces", "latin", "punctuation"])
def test_sentencepiece_tokens_match_marian_tokenizer(tiny_model: Path, hf, text: str):
    from tm.engines.ct2 import SentencePieceTokens

    tokens = SentencePieceTokens(tiny_model)
    ids = hf.encode_sources([text])[0]
    assert tokens.source([text], 512)[0] == hf.tokenizer.convert_ids_to_tokens(ids)
    assert tokens.decode(tokens.source([text], 512)[0]) == hf.tokenizer.decode(ids, skip_special_tokens=True)


def test_sentencepiece_decode_without_the_processor_matches_marian_tokenizer(tiny_model: Path, hf):
    """Drafts are decoded with the sentencepiece models released: joining plain pieces must give what
    MarianTokenizer gives, for any piece of the vocabulary (those the sentencepiece model lacks too)."""
    import random

    from tm.engines.ct2 import SentencePieceTokens

    tokens = SentencePieceTokens(tiny_model)
    vocab = list(hf.tokenizer.get_vocab())
    rng = random.Random(7)
    runs = [rng.choices(vocab, k=rng.randint(1, 15)) for _ in range(300)] + [[p] for p in vocab]
    tokens.release()
    assert "source_spm" not in vars(tokens)
    for run in runs:
        ids = hf.tokenizer.convert_tokens_to_ids(run)
        assert tokens.decode(run) == hf.tokenizer.decode(ids, skip_special_tokens=True), run
    assert "source_spm" not in vars(tokens) and "target_spm" not in vars(tokens)  # never reloaded
    assert tokens.source(["نص"], 512)[0][-1] == "</s>"  # reloaded when needed to encode again


def test_int8_is_the_cpu_default_and_recorded(tiny_model: Path):
    from tm.engines.ct2 import CTranslate2Engine

    e = CTranslate2Engine(str(tiny_model), beam=2, threads=1)
    assert e.name == "ctranslate2" and e.model == str(tiny_model)
    details = dict(e.details)
    assert details.pop("compute_type").startswith("int8")  # int8_float32 on most CPUs
    assert details == {"quantization": "int8", "device": "cpu", "beam": "2", "threads": "1"}
    assert e.converted.path.name.endswith("-int8")
    seen: list[int] = []
    drafts = e.translate([Request(s) for s in SEGMENTS[:7]], progress=seen.append)
    assert sum(seen) == 7 and all(d.text for d in drafts)


TERM_SETS = {
    "one": (TermConstraint("حزب الله", "Hezbollah"),),
    "two": (TermConstraint("فيلق القدس", "Quds Force"), TermConstraint("بوتين", "Vladimir Putin")),
    "three": (TermConstraint("مجلس الأمن", "Security Council"),
              TermConstraint("الأمم المتحدة", "United Nations"),
              TermConstraint("محور المقاومة", "Axis of Resistance")),
    "alternative": (TermConstraint("الحشد الشعبي", "Popular Mobilization Forces", alternatives=("PMF",)),),
}


@pytest.mark.parametrize("name, beam", [(name, 1) for name in TERM_SETS] + [("two", 3), ("three", 3)],
                         ids=[*TERM_SETS, "two-beam3", "three-beam3"])
def test_terms_are_placed_wherever_transformers_places_them(tiny_model: Path, hf, hf_beam3, name: str,
                                                            beam: int):
    terms = TERM_SETS[name]
    requests = [Request(s, terms if i % 4 else ()) for i, s in enumerate(SEGMENTS[:6])]
    ref = (hf if beam == 1 else hf_beam3).translate(requests)
    got = engine(tiny_model, beam=beam).translate(requests)
    for r, a, b in zip(requests, ref, got, strict=True):
        assert set(b.missing) <= set(a.missing)
        for term in r.terms:
            if term.target not in a.missing:
                assert term.target.lower() in b.text.lower()
    assert sum(len(d.missing) for d in got) == 0
    assert [d.text for d in got if d.missing == []]  # placed, not dropped


def test_mid_sentence_placement_matches_transformers(tiny_model: Path, hf, monkeypatch: pytest.MonkeyPatch):
    """With a wide start margin terms go in early and the model continues after them: greedy,
    both engines apply the same rules, so they give the same drafts (gluing included)."""
    from functools import partial

    import tm.engines.ct2 as ct2_module
    import tm.engines.hf as hf_module

    monkeypatch.setattr(ct2_module, "START_MARGIN", 8.0)
    monkeypatch.setattr(hf_module, "TermEnforcer", partial(hf_module.TermEnforcer, start_margin=8.0))
    glued: list[bool] = []
    real = ct2_module.CTranslate2Engine._is_glue

    def spy(self, pieces: list[str]) -> bool:
        glued.append(real(self, pieces))
        return glued[-1]

    monkeypatch.setattr(ct2_module.CTranslate2Engine, "_is_glue", spy)
    requests = [Request(s, TERM_SETS[name]) for s in SEGMENTS[:6] for name in ("one", "two")]
    ref = hf.translate(requests)
    got = engine(tiny_model).translate(requests)
    assert [d.text for d in got] == [d.text for d in ref]
    assert all(not d.missing for d in got)
    assert any(not d.text.endswith(("Hezbollah", "Vladimir Putin")) for d in got)  # placed mid-sentence
    assert any(glued)  # a glued word piece was replaced at least once


def test_unconstrained_segments_in_a_mixed_batch_are_untouched(tiny_model: Path):
    mine = engine(tiny_model)
    plain = mine.translate([Request(s) for s in SEGMENTS[:6]])
    mixed = mine.translate([Request(s, TERM_SETS["two"] if i % 2 else ())
                            for i, s in enumerate(SEGMENTS[:6])])
    assert [d.text for d in mixed[::2]] == [d.text for d in plain[::2]]
    assert all("Vladimir Putin" in d.text for d in mixed[1::2])


def test_forbidden_rendering_is_suppressed(tiny_model: Path):
    from tm.engines.constraints import term_placed

    mine = engine(tiny_model)
    texts = [d.text for d in mine.translate([Request(s) for s in ALL])]
    words = [w for t in texts for w in t.split() if len(w) > 2 and w.isalpha()]
    bad = max(sorted(set(words)), key=words.count)  # a word the model likes
    hit = [s for s, t in zip(ALL, texts, strict=True) if term_placed(t, [bad])][:4]
    assert hit
    term = (TermConstraint("x", "Hezbollah", forbidden=(bad,)),)
    drafts = mine.translate([Request(s, term) for s in hit])
    assert not any(term_placed(d.text, [bad]) for d in drafts)
    assert all("Hezbollah" in d.text for d in drafts)


def test_unspellable_term_is_reported_missing(tiny_model: Path):
    mine = engine(tiny_model)
    draft = mine.translate([Request(SEGMENTS[0], (TermConstraint("x", "Ω∂ƒ"),))])[0]
    assert draft.missing == ["Ω∂ƒ"]


def test_second_load_reuses_the_conversion(tiny_model: Path, monkeypatch: pytest.MonkeyPatch):
    import tm.models

    first = engine(tiny_model)
    stamp = (first.converted.path / "model.bin").stat().st_mtime_ns

    def refuse(*_a, **_k):
        raise AssertionError("converted again")

    monkeypatch.setattr(tm.models, "_convert", refuse)
    second = engine(tiny_model)
    assert not second.converted.converted
    assert second.converted.path == first.converted.path
    assert (second.converted.path / "model.bin").stat().st_mtime_ns == stamp
    meta = json.loads((second.converted.path / "tm-model.json").read_text())
    assert meta["quantization"] == "float32" and meta["source"] == str(tiny_model.resolve())


def test_cache_key_changes_when_the_model_changes(tmp_path: Path):
    from tests.tiny_model import build_tiny_marian
    from tm.models import cache_dir_for, ensure_converted

    model = build_tiny_marian(tmp_path / "m", seed=1)
    before = cache_dir_for(str(model), model, "float32")
    assert before == cache_dir_for(str(model), model, "float32")
    assert before != cache_dir_for(str(model), model, "int8")
    first = ensure_converted(str(model), "float32")
    build_tiny_marian(tmp_path / "m", seed=2)  # same place, new weights
    after = ensure_converted(str(model), "float32")
    assert after.path != before and after.converted and first.path == before
    e = engine(model)
    assert e.converted.path == after.path
    assert e.translate_tokens(SEGMENTS[:3]) != [[]] * 3


def test_concurrent_conversion_keeps_the_first(tiny_model: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    import tm.models

    real = tm.models._convert
    other: list = []
    calls: list[Path] = []

    def racing(model, source, out, quantization):
        calls.append(out)
        if len(calls) == 1:  # another process finishes the same conversion while this one works
            other.append(tm.models.ensure_converted(model, quantization, cache=tmp_path))
        real(model, source, out, quantization)

    monkeypatch.setattr(tm.models, "_convert", racing)
    mine = tm.models.ensure_converted(str(tiny_model), "float32", cache=tmp_path)
    assert other[0].converted and not mine.converted and mine.path == other[0].path
    assert len(calls) == 2 and calls[0] != calls[1]
    assert [p.name for p in (tmp_path / "ct2").iterdir()] == [mine.path.name]  # no temporary left


def test_damaged_cache_entry_is_replaced(tiny_model: Path, tmp_path: Path):
    from tm.models import cache_dir_for, ensure_converted

    target = cache_dir_for(str(tiny_model), tiny_model, "float32", tmp_path)
    target.mkdir(parents=True)
    (target / "model.bin").write_bytes(b"half")  # no tm-model.json: not a finished conversion
    result = ensure_converted(str(tiny_model), "float32", cache=tmp_path)
    assert result.converted and result.path == target and (target / "tm-model.json").is_file()


def test_multilingual_model_gets_its_language_prefix(tmp_path: Path):
    from tests.tiny_model import build_tiny_m2m100
    from tm.engines.hf import TransformersEngine

    model = build_tiny_m2m100(tmp_path / "m2m")
    requests = [Request(s) for s in SEGMENTS[:4]] + [Request(SEGMENTS[4], TERM_SETS["one"])]
    ref = TransformersEngine(str(model), batch_size=8).translate(requests)
    mine = engine(model)
    assert mine.tokens.prefix == ["__en__"]
    got = mine.translate(requests)
    assert [d.text for d in got[:4]] == [d.text for d in ref[:4]]
    assert "Hezbollah" in got[4].text and not got[4].missing


def test_uncached_hub_model_offline_is_one_line():
    from tm.engines.ct2 import CTranslate2Engine

    with pytest.raises(ModelUnavailableError) as err:
        CTranslate2Engine("nobody-xyz/no-such-model-42", threads=1)
    message = str(err.value)
    assert "\n" not in message and "not in the Hugging Face cache" in message and "offline" in message


def test_missing_directory_is_one_line(tmp_path: Path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        engine(tmp_path / "nope")


@pytest.mark.parametrize("device, error",
                         [("tpu", InputError), ("cuda:x", InputError), ("cuda", EngineError)],
                         ids=["unknown", "bad-index", "no-cuda"])
def test_bad_device_is_refused(device: str, error: type):
    from tm.engines.ct2 import pick_device

    if device == "cuda" and ct2.get_cuda_device_count():
        pytest.skip("CUDA is available here")
    with pytest.raises(error):
        pick_device(device)


def test_cli_translate_with_ctranslate2(tiny_model: Path, monkeypatch: pytest.MonkeyPatch):
    from click.testing import CliRunner

    import tm.engines
    from tm.cli import cli

    monkeypatch.setitem(tm.engines.ENGINES, "ctranslate2", "tm.engines.ct2:CTranslate2Engine")
    result = CliRunner().invoke(cli, ["translate", str(DATA / "alasr-soleimani-putin.ar.txt"), "--engine",
                                      "ctranslate2", "--model", str(tiny_model), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    mt = [r for r in rows if r["origin"] == "mt"]
    assert mt and all(r["engine"] == "ctranslate2" and r["model"] == str(tiny_model) for r in mt)
    terms = [t for r in mt for t in r["terms"]]
    assert terms and all(t["found"] for t in terms)
