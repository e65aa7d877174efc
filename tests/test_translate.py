"""translate_document: what the memory may and may not fill in."""

from __future__ import annotations

from tm.formats.tmx import TMUnit
from tm.memory import import_units
from tm.store import Store
from tm.translate import translate_document
from tm.workflow import SourceText

FIRST = "وصل الرئيس أمس."
SECOND = "وعقد اجتماعاً مطولاً مع نظيره الروسي لبحث الملف السوري والتعاون العسكري بين البلدين في موسكو."
PARAGRAPH_EN = ("The president arrived yesterday. He held a long meeting with his Russian counterpart on the Syrian "
                "file and military cooperation between the two countries in Moscow.")  # fmt: skip


def test_a_paragraph_unit_does_not_bring_its_other_sentences_into_a_fuzzy_match(store: Store):
    """The reviewer's repro: a memory of paragraphs (TICO-19's TMX is segtype="paragraph")."""
    import_units(store, [TMUnit(f"{FIRST} {SECOND}", PARAGRAPH_EN, 1)], file="para.tmx", author="desk")
    result = translate_document(store, SourceText(f"{FIRST} {SECOND}\n", "p", None, "0" * 64), engine=None, terms=[])
    assert [(r.origin, r.target) for r in result.segments] == [(None, None), (None, None)]


def test_a_sentence_unit_still_fills_a_fuzzy_match(store: Store):
    import_units(store, [TMUnit(SECOND, PARAGRAPH_EN.split(". ", 1)[1], 1)], file="s.tsv", author="desk")
    text = SECOND.replace("العسكري", "الاقتصادي") + "\n"
    (res,) = translate_document(store, SourceText(text, "s", None, "0" * 64), engine=None, terms=[]).segments
    assert res.origin == "tm-fuzzy" and res.target == PARAGRAPH_EN.split(". ", 1)[1]


def test_a_hard_wrapped_unit_is_still_an_exact_match(store: Store):
    """A unit whose source was wrapped over two lines is the same text as the one-line segment."""
    import_units(store, [TMUnit("قال الرئيس إن الوضع\nفي المنطقة صعب جدا.", "The president said it is hard.", 1)],
                 file="w.tsv", author="desk")  # fmt: skip
    text = "قال الرئيس إن الوضع في المنطقة صعب جدا.\n"
    (res,) = translate_document(store, SourceText(text, "w", None, "0" * 64), engine=None, terms=[]).segments
    assert (res.origin, res.target) == ("tm-exact", "The president said it is hard.")


def test_past_a_paragraph_unit_the_next_best_sentence_unit_is_the_match(store: Store):
    sentence_en = PARAGRAPH_EN.split(". ", 1)[1]
    import_units(store, [TMUnit(f"{FIRST} {SECOND}", PARAGRAPH_EN, 1),
                         TMUnit(SECOND.replace("العسكري", "الاقتصادي").replace("في موسكو", "أمس"), sentence_en, 2)],
                 file="mixed.tmx", author="desk")  # fmt: skip
    (res,) = translate_document(store, SourceText(SECOND + "\n", "m", None, "0" * 64), engine=None,
                                terms=[]).segments  # fmt: skip
    assert (res.origin, res.target) == ("tm-fuzzy", sentence_en)


def test_past_many_paragraph_units_a_sentence_unit_is_still_found(store: Store):
    """The reviewer's case: more paragraph units outranking the sentence unit than one round of candidates."""
    from tm.memory import Memory

    extras = ["قال.", "أضاف.", "أكد.", "تابع.", "أوضح.", "ختم.", "ذكر."]
    sentence = SECOND.replace("العسكري", "الاقتصادي").replace("في موسكو", "أمس").replace("لبحث", "لمناقشة")
    import_units(store, [TMUnit(f"{SECOND} {x}", f"English {i}.", i) for i, x in enumerate(extras)]
                 + [TMUnit(sentence, "The sentence unit.", 99)], file="many.tmx", author="desk")  # fmt: skip
    ranked = [m.target for m in Memory(store).search(SECOND, limit=10, min_score=50)]
    assert ranked.index("The sentence unit.") == len(extras)  # every paragraph unit outranks it
    (match,) = Memory(store).lookup([SECOND], threshold=50)
    assert match is not None and match.target == "The sentence unit."


def test_segments_without_arabic_are_copied_not_drafted(store: Store):
    """A URL, an agency tag, a divider or a date in Arabic digits never reaches the engine (it would garble
    them); with or without an engine it is copied, digits and punctuation in Latin form."""

    class Refuses:
        name, model, details = "refuses", "none", {}

        def translate(self, requests, *, progress=None):
            raise AssertionError(f"sent to MT: {[r.source for r in requests]}")

        def source_tokens(self, sources):
            return [len(s.split()) for s in sources]

    text = "(Reuters)\n\nhttps://example.com/a-b\n\n١٢/٥/٢٠٢٤، ١٠٪\n\n***\n\nـــــ\n"
    for engine in (None, Refuses()):
        result = translate_document(store, SourceText(text, "c", None, "0" * 64), engine=engine, terms=[])
        assert [(r.origin, r.target) for r in result.segments] == [
            ("copy", "(Reuters)"), ("copy", "https://example.com/a-b"), ("copy", "12/5/2024, 10%"),
            ("copy", "***"), ("copy", "-----")]
        assert result.english == "(Reuters)\n\nhttps://example.com/a-b\n\n12/5/2024, 10%\n\n***\n\n-----\n"


def test_a_redraft_does_not_copy_a_copied_segment_again(store: Store):
    """Each redraft drafts the Arabic segments again (beside the earlier drafts) but a URL copied once
    keeps its one copy."""
    from tm.engines.base import Draft
    from tm.translate import redraft_document

    class Upper:
        name, model, details = "upper", "m", {}

        def translate(self, requests, *, progress=None):
            return [Draft(f"draft {len(r.source)}") for r in requests]

    text = "قال الرئيس إن المحادثات مثمرة.\n\nhttps://example.com/a\n"
    doc = translate_document(store, SourceText(text, "r", None, "0" * 64), engine=Upper(), terms=[]).document
    for _ in range(2):
        again = redraft_document(store, doc, engine=Upper())
        assert [r.origin for r in again.segments] == ["mt", "copy"]
        assert again.counts() == {"mt": 1, "copy already stored": 1}
    first, url = store.segments(doc)
    assert [t.origin for t in first.translations] == ["mt", "mt", "mt"]
    assert [(t.origin, t.text) for t in url.translations] == [("copy", "https://example.com/a")]


def test_a_line_without_arabic_takes_no_fuzzy_match(store: Store):
    """A byline or URL near one in the memory is another article's: copied, not fuzzily replaced;
    the desk's exact correction of the same line is reused."""
    import_units(store, [TMUnit("https://example.com/news/2024/01/05/article-one", "https://example.com/fixed", 1),
                         TMUnit("Reporting by John Smith; Editing by Jane Doe", "Reporting by John Smith", 2)],
                 file="m.tsv", author="desk")  # fmt: skip
    text = ("https://example.com/news/2024/01/06/article-two\n\nReporting by John Smith; Editing by Mark Lee\n\n"
            "https://example.com/news/2024/01/05/article-one\n\nhttps://EXAMPLE.com/news/2024/01/05/Article-One\n")
    result = translate_document(store, SourceText(text, "b", None, "0" * 64), engine=None, terms=[])
    assert [(r.origin, r.target) for r in result.segments] == [
        ("copy", "https://example.com/news/2024/01/06/article-two"),
        ("copy", "Reporting by John Smith; Editing by Mark Lee"), ("tm-exact", "https://example.com/fixed"),
        ("copy", "https://EXAMPLE.com/news/2024/01/05/Article-One")]  # same key, another link
