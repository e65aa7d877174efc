"""The transformers engine on tiny random models: loading, batching, languages, term enforcement."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

from tests.tiny_model import build_tiny_m2m100  # noqa: E402
from tm.engines import Request, TermConstraint, available_engines, default_engine_name, get_engine  # noqa: E402
from tm.engines.constraints import TermEncoder, TermEnforcer, missing_terms, term_placed  # noqa: E402
from tm.engines.hf import TransformersEngine, language_codes  # noqa: E402
from tm.engines.hub import resolve_model  # noqa: E402
from tm.errors import EngineError, ModelUnavailableError  # noqa: E402

DATA = Path(__file__).parent / "data"
_FALLBACK = (
    "لقاء الحاج قاسم بالرئيس بوتين: أسرار تكشف للمرة الأولى",
    "وحدة الرصد والترجمة / مركز تبيين للتخطيط والدراسات الستراتيجية",
    "أرسلت روسيا جيشها إلى سوريا عام 2015 لتقديم الدعم الجوي للجيش السوري.",
    "قال الأمين العام لحزب الله إن محور المقاومة لن يقبل التدخل الأجنبي.",
)
SOLEIMANI = TermConstraint("قاسم سليماني", "Qassem Soleimani", alternatives=("Qasem Soleimani",))
PUTIN = TermConstraint("بوتين", "Vladimir Putin", forbidden=("Poutine",))


def _segments(n: int) -> list[str]:
    path = DATA / "alasr-soleimani-putin.ar.seg.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    segs = [ln.strip() for ln in lines if 3 <= len(ln.split()) <= 30] or list(_FALLBACK)
    return segs[:n]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def engine(tiny_model: Path) -> TransformersEngine:
    eng = get_engine("transformers", str(tiny_model), batch_size=4)
    assert isinstance(eng, TransformersEngine)
    eng.length_ratio, eng.length_slack = 1.0, 4  # the random model never stops: keep drafts short
    return eng


@pytest.fixture(scope="module")
def segments() -> list[str]:
    return _segments(10)


@pytest.fixture(scope="module")
def plain(engine: TransformersEngine, segments: list[str]) -> list[str]:
    return [d.text for d in engine.translate([Request(s) for s in segments])]


def test_registry_is_light() -> None:
    code = "import sys, tm.engines; assert not {'torch', 'transformers'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert {"transformers", "ctranslate2"} <= set(available_engines())
    import ctranslate2  # installed by the project: the CPU default

    expected = "transformers" if ctranslate2.get_cuda_device_count() else "ctranslate2"
    assert default_engine_name() == expected
    with pytest.raises(EngineError, match="Unknown MT engine 'nope'"):
        get_engine("nope")


def test_loads_like_a_real_model(engine: TransformersEngine, tiny_model: Path) -> None:
    assert engine.name == "transformers"
    assert engine.model == str(tiny_model)
    assert engine.details == {"beam": "1", "device": "cpu", "dtype": "float32"}
    assert engine.codes is None and engine.prompt_len == 1


def test_deterministic_and_input_dependent(
    engine: TransformersEngine, tiny_model: Path, segments: list[str], plain: list[str]
) -> None:
    again = get_engine("transformers", str(tiny_model), batch_size=4)
    again.length_ratio, again.length_slack = 1.0, 4  # type: ignore[attr-defined]
    assert [d.text for d in again.translate([Request(s) for s in segments])] == plain
    assert all(plain)
    assert len(set(plain)) >= len(plain) - 1


def test_length_sorted_batches_keep_order(
    engine: TransformersEngine, segments: list[str], plain: list[str]
) -> None:
    engine.batch_size = 1
    try:
        done: list[int] = []
        single = [d.text for d in engine.translate([Request(s) for s in segments], progress=done.append)]
    finally:
        engine.batch_size = 4
    assert single == plain  # greedy: token-identical to the length-sorted batches
    assert done == [1] * len(segments)
    batches: list[int] = []
    engine.translate([Request(s) for s in segments[:6]], progress=batches.append)
    assert batches == [4, 2]


def test_blank_sources(engine: TransformersEngine) -> None:
    done: list[int] = []
    drafts = engine.translate([Request(""), Request(" \n", (PUTIN,)), Request("قاسم")], progress=done.append)
    assert [d.text for d in drafts[:2]] == ["", ""] and drafts[2].text
    assert drafts[1].missing == ["Vladimir Putin"] and sum(done) == 3
    assert engine.translate([]) == []


@pytest.mark.parametrize(
    ("vocab", "expected"),
    [
        ({"eng_Latn": 5, "arb_Arab": 6}, ("arb_Arab", "eng_Latn")),
        ({"__en__": 7, "__ar__": 8}, ("ar", "en")),
        ({"en_XX": 9, "ar_AR": 10}, ("ar_AR", "en_XX")),
        ({}, None),
    ],
    ids=["nllb", "m2m100", "mbart50", "one-pair"],
)
def test_language_codes(vocab: dict[str, int], expected: tuple[str, str] | None) -> None:
    class Tok:
        src_lang = "en"
        unk_token_id = 3

        def convert_tokens_to_ids(self, token: str) -> int:
            return vocab.get(token, 3)

    codes = language_codes(Tok())
    assert ((codes.src_lang, codes.tgt_lang) if codes else None) == expected


def test_m2m100_forces_the_english_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    eng = get_engine("transformers", str(build_tiny_m2m100(tmp_path / "m2m")))
    assert isinstance(eng, TransformersEngine)
    en = eng.tokenizer.get_lang_id("en")
    assert eng.generation_config.forced_bos_token_id == en and eng.prompt_len == 2
    assert eng.encode_sources(["قاسم"])[0][0] == eng.tokenizer.get_lang_id("ar")
    outputs = []
    decode = eng.tokenizer.batch_decode

    def spy(ids, **kw):  # type: ignore[no-untyped-def]
        outputs.append(ids)
        return decode(ids, **kw)

    monkeypatch.setattr(eng.tokenizer, "batch_decode", spy)
    drafts = eng.translate([Request(s, (PUTIN,)) for s in _segments(3)])
    assert outputs[0][:, 1].tolist() == [en] * 3
    assert all(not d.missing and "Vladimir Putin" in d.text for d in drafts)


def test_enforcement_places_required_terms(
    engine: TransformersEngine, segments: list[str], plain: list[str]
) -> None:
    terms = (SOLEIMANI, PUTIN)
    drafts = engine.translate([Request(s, terms) for s in segments])
    assert all(d.missing == [] for d in drafts)
    assert all("Qassem Soleimani" in d.text and "Vladimir Putin" in d.text for d in drafts)
    assert sum(not missing_terms(text, terms) for text in plain) == 0  # never there by chance


def test_enforcement_with_beam_search(tiny_model: Path, segments: list[str]) -> None:
    eng = get_engine("transformers", str(tiny_model), batch_size=4, beam=3)
    eng.length_ratio, eng.length_slack = 1.0, 4  # type: ignore[attr-defined]
    assert eng.details["beam"] == "3"
    drafts = eng.translate([Request(s, (PUTIN,)) for s in segments[:6]] + [Request(segments[6])])
    assert all(not d.missing for d in drafts[:6])
    assert "Vladimir Putin" not in drafts[6].text


def test_forbidden_rendering_is_suppressed(
    engine: TransformersEngine, segments: list[str], plain: list[str]
) -> None:
    counts = Counter(w for text in plain for w in set(re.findall(r"\w{2,}", text)))
    word, seen = counts.most_common(1)[0]
    assert seen >= 3
    banned = TermConstraint("x", "Hezbollah", forbidden=(word,))
    only_banned = TermConstraint("y", "", forbidden=(word.upper(),))
    mixed = [Request(s, (banned,) if i % 2 else (only_banned,)) for i, s in enumerate(segments)]
    drafts = engine.translate(mixed)
    assert not any(term_placed(d.text, [word]) for d in drafts)


def test_unspellable_term_is_reported_missing(engine: TransformersEngine, segments: list[str]) -> None:
    odd = TermConstraint("ز", "Ωmega 😀")  # not in the tiny vocabulary
    drafts = engine.translate([Request(s, (odd, PUTIN)) for s in segments[:3]])
    assert all(d.missing == ["Ωmega 😀"] and "Vladimir Putin" in d.text for d in drafts)
    unenforced = TransformersEngine(engine.model, enforce_terms=False)
    unenforced.length_ratio, unenforced.length_slack = 1.0, 4
    (draft,) = unenforced.translate([Request(segments[0], (PUTIN,))])
    assert draft.missing == ["Vladimir Putin"]


@pytest.mark.parametrize(
    ("text", "renderings", "placed"),
    [
        ("Hezbollah said", ["Hezbollah"], True),
        ("HEZBOLLAH said", ["Hezbollah"], True),
        ("the Hezbollahs said", ["Hezbollah"], False),
        ("pro-Hezbollah media", ["Hezbollah"], True),
        ("the Quds  Force", ["Quds Force"], True),
        ("the Quds Forces", ["Quds Force"], False),
        ("Qasem Soleimani", ["Qassem Soleimani", "Qasem Soleimani"], True),
        ("anything", ["", " "], False),
    ],
    ids=["plain", "case", "inside-word", "hyphen", "spaces", "plural", "alternative", "empty"],
)
def test_term_placed(text: str, renderings: list[str], placed: bool) -> None:
    assert term_placed(text, renderings) is placed


def _char_encoder() -> TermEncoder:
    # one token per character, "▁"-free: a vocabulary where every string is spellable
    return TermEncoder(lambda s: [ord(c) for c in s if c != " "] or [], unk_id=None, piece=chr)


def test_plan_automaton() -> None:
    plan = _char_encoder().plan([TermConstraint("x", "abcd", alternatives=("xyz",), forbidden=("qr",))])
    assert plan is not None and plan.force == [(97, 98, 99, 100)]
    assert plan.scan([1, 2, 97, 98, 99, 100])[1] == 1  # placed
    assert plan.scan([120, 121, 122, 5])[1] == 1  # the alternative counts
    assert plan.scan([97, 98, 5])[1] == 0
    assert 114 in plan.bans[plan.scan([7, 113])[0]] and 114 not in plan.bans[plan.scan([7])[0]]
    assert plan.scan([5, 97, 98])[2] is None  # "ab": too short to be sure the model means the term
    assert plan.scan([5, 97, 98, 99])[2] == (0, 3)  # "abc" emitted: "d" is forced next


def test_glued_forbidden_piece_is_banned_only_after_a_non_word_piece() -> None:
    # word-initial pieces ("▁x") are 1000 + code point, the others the code point itself
    def encode(text: str) -> list[int]:
        starts = [i == 0 or text[i - 1] == " " for i in range(len(text))]
        return [ord(c) + 1000 * start for c, start in zip(text, starts, strict=True) if c != " "]

    plan = TermEncoder(encode, unk_id=None).plan([TermConstraint("y", "", forbidden=("x",))])
    assert plan is not None and plan.glued_single == (ord("X"), ord("x"))  # case forms too
    word_end = [chr(i % 1000).isalnum() for i in range(1200)]
    enforcer = TermEnforcer([plan], eos_token_id=0, caps=[9], num_beams=2, word_end=word_end)
    scores = enforcer(torch.tensor([[1, ord("a")], [1, ord('"')]]), torch.zeros(2, 1200))
    assert scores[:, 1000 + ord("x")].tolist() == [float("-inf")] * 2  # "▁x": never
    assert scores[:, ord("x")].tolist() == [0.0, float("-inf")]  # "x": not inside "ax", but after a quote


@pytest.mark.parametrize("beams", [1, 3])
def test_enforcer_on_scripted_scores(beams: int) -> None:
    """Greedy/beam-shaped decoding over random scores: the term lands before EOS, "qr" never."""
    plan = _char_encoder().plan([TermConstraint("x", "abc", forbidden=("qr",))])
    eos, vocab, steps = 0, 128, 30
    enforcer = TermEnforcer([plan, None], eos_token_id=eos, caps=[steps, steps], num_beams=beams)
    gen = torch.Generator().manual_seed(0)
    ids = torch.full((2 * beams, 1), 1)
    for _ in range(steps):
        scores = torch.randn(2 * beams, vocab, generator=gen)
        scores[:, eos] += 2.5  # the model is keen to stop
        scores[:, 113] += 3.0  # and keen on "q", then "r"
        scores[:, 114] += 3.0
        nxt = enforcer(ids, scores).argmax(-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=1)
    for row in ids[:beams].tolist():
        text = "".join(chr(t) if t > 1 else "|" for t in row[1 : row.index(eos) if eos in row else None])
        assert "abc" in text and "qr" not in text
    assert any(eos in row for row in ids[beams:].tolist())  # the unconstrained request may stop


def test_missing_local_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError) as err:
        get_engine("transformers", str(tmp_path / "nowhere"))
    assert "does not exist" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ModelUnavailableError, match="holds no config.json"):
        resolve_model(str(tmp_path))


def test_directory_that_is_not_a_translation_model(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "bert", "vocab_size": 10}')
    with pytest.raises(ModelUnavailableError) as err:
        get_engine("transformers", str(tmp_path))
    assert str(err.value).startswith(f"Model {tmp_path} cannot be loaded: ") and "\n" not in str(err.value)


def test_uncached_hub_id_offline() -> None:
    with pytest.raises(ModelUnavailableError) as err:
        get_engine("transformers", "tm-tests/no-such-model")
    message = str(err.value)
    assert message.startswith(
        "Model tm-tests/no-such-model is not in the Hugging Face cache "
        "and the hub cannot be reached (offline);"
    )
    assert "hf download tm-tests/no-such-model" in message and "--model DIR" in message
    assert "\n" not in message


def test_cached_hub_id_offline(tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    commit = "0" * 40
    repo = tmp_path / "hub" / "models--tm-tests--tiny"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for f in tiny_model.iterdir():
        (snapshot / f.name).symlink_to(f)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert resolve_model("tm-tests/tiny") == str(snapshot)
    eng = get_engine("transformers", "tm-tests/tiny")
    assert eng.model == "tm-tests/tiny"


@pytest.mark.parametrize("engine_name", ["transformers", "ctranslate2"])
def test_a_local_model_is_recorded_by_its_absolute_path(tiny_model: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, engine_name: str):  # fmt: skip
    """`--model ../tiny` and `--model tiny` typed from two directories are one model for `tm score --by model`."""
    monkeypatch.setenv("TM_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tiny_model.parent)
    if engine_name == "ctranslate2":
        pytest.importorskip("ctranslate2")
        from tm.engines.ct2 import CTranslate2Engine as Engine
    else:
        from tm.engines.hf import TransformersEngine as Engine  # type: ignore[assignment]
    assert Engine(f"./{tiny_model.name}").model == str(tiny_model.resolve())
