"""The question banks shipped in question_banks/ are well-formed and cite their sources.

These checks do not prove the content right (that is proof-reading against the
texts, see question_banks/README.md); they catch the mistakes a hand-written
bank makes: a key that is not an option, a blank count that does not match the
stem, a missing citation or source text, a duplicate question, and the patterns
that let an officer guess without knowing (answer letters, longest option,
prefix answers, mostly-true judge statements).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from quizapp.banks.types import OPTION_KEYS, QUESTION_TYPES, AnswerError, stem_key

BANK_DIR = Path(__file__).resolve().parents[3] / "question_banks"

# file name → (bank name, category, {source document: its text under question_banks/sources/})
SHIPPED = {
    "theory-party-constitution.json": (
        "中国共产党章程", "theory", {"中国共产党章程": "party-constitution-2022.md"},
    ),
    "theory-party-member-education.json": (
        "中国共产党党员教育管理工作条例", "theory",
        {"中国共产党党员教育管理工作条例": "party-member-education-regulations-2019.md"},
    ),
    "regulations-police-law.json": (
        "中华人民共和国人民警察法", "regulations", {"中华人民共和国人民警察法": "police-law.md"},
    ),
    "regulations-public-official-sanctions.json": (
        "中华人民共和国公职人员政务处分法", "regulations",
        {"中华人民共和国公职人员政务处分法": "public-official-sanctions-law-2020.md"},
    ),
}
QUESTION_FIELDS = {"type", "stem", "options", "answer", "explanation", "chapter", "difficulty", "tags", "source"}
SOURCE_DIR = BANK_DIR / "sources"
NUMERAL = "[一二三四五六七八九十百]+"
# source.article: 第三条, 第十七条第二款, 总纲, or 第九章 for a question that rests on a chapter.
ARTICLE = re.compile(rf"(第{NUMERAL}条)(第{NUMERAL}款)?|总纲|第{NUMERAL}章")
# Balance limits (what makes a bank guessable): share of each letter among single-choice keys,
# share of single-choice questions whose right option is the one longest option, share of
# multiple-choice keys that are a prefix A, AB, ABC…, share of true judge statements.
LETTER_SHARE = (0.15, 0.35)
LONGEST_RIGHT_MAX = 0.40
PREFIX_MAX = 0.50
JUDGE_TRUE = (0.40, 0.60)
# An article or chapter reference such as 第四十一条, 第五章, 第十条第（六）项, or the 党章's 总纲.
CITATION = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条章]|总纲")
BLANK = re.compile(r"_{4,}")
UNDERSCORES = re.compile(r"_+")


def load(name: str) -> dict:
    return json.loads((BANK_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(params=sorted(SHIPPED), ids=lambda name: name.removesuffix(".json"))
def shipped(request) -> tuple[str, dict]:
    return request.param, load(request.param)


def source_text(file_name: str) -> str:
    return (SOURCE_DIR / file_name).read_text(encoding="utf-8")


def test_every_bank_in_the_directory_is_checked_here():
    assert sorted(p.name for p in BANK_DIR.glob("*.json")) == sorted(SHIPPED)


def test_bank_header_matches_the_export_shape(shipped):
    name, data = shipped
    expected_name, category, _ = SHIPPED[name]
    assert set(data) == {"bank", "questions"}
    assert data["bank"]["name"] == expected_name
    assert data["bank"]["category"] == category
    assert isinstance(data["bank"]["description"], str) and data["bank"]["description"].strip()
    assert isinstance(data["questions"], list)


def test_bank_is_large_enough_and_uses_all_four_types(shipped):
    _, data = shipped
    counts = Counter(q["type"] for q in data["questions"])
    assert len(data["questions"]) >= 80
    assert set(counts) == set(QUESTION_TYPES), counts
    # Roughly the mix asked for (40 % single, 20 % multiple, 25 % judge, 15 % fill).
    total = len(data["questions"])
    assert counts["single"] / total >= 0.3
    assert counts["multiple"] / total >= 0.12
    assert counts["judge"] / total >= 0.15
    assert counts["fill"] / total >= 0.1


def _each(data):
    for number, question in enumerate(data["questions"], start=1):
        yield f"第{number}题（{question.get('stem', '')[:20]}）", question


def test_every_question_has_the_export_fields(shipped):
    _, data = shipped
    for label, q in _each(data):
        assert set(q) == QUESTION_FIELDS, label
        assert q["type"] in QUESTION_TYPES, label
        assert isinstance(q["stem"], str) and q["stem"].strip(), label
        assert q["difficulty"] in (1, 2, 3) and not isinstance(q["difficulty"], bool), label
        assert isinstance(q["tags"], list) and q["tags"], label
        assert all(isinstance(t, str) and t.strip() for t in q["tags"]), label


def test_options_are_lettered_in_order_and_distinct(shipped):
    _, data = shipped
    for label, q in _each(data):
        if not QUESTION_TYPES[q["type"]].has_options:
            assert q["options"] == [], label
            continue
        keys = [o["key"] for o in q["options"]]
        texts = [o["text"].strip() for o in q["options"]]
        assert keys == list(OPTION_KEYS[: len(keys)]), label
        assert len(keys) >= (3 if q["type"] == "multiple" else 2), label
        assert all(texts) and len(set(texts)) == len(texts), label


def test_every_key_is_valid_and_already_canonical(shipped):
    _, data = shipped
    for label, q in _each(data):
        qtype = QUESTION_TYPES[q["type"]]
        try:
            canonical = qtype.validate_key(q["answer"], q["options"])
        except AnswerError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{label}: {exc}")
        assert canonical == q["answer"], label
        if q["type"] == "judge":
            assert isinstance(q["answer"], bool), label


def test_the_key_grades_as_correct(shipped):
    _, data = shipped
    for label, q in _each(data):
        qtype = QUESTION_TYPES[q["type"]]
        answer = [alternatives[0] for alternatives in q["answer"]] if q["type"] == "fill" else q["answer"]
        answer = qtype.parse_answer(answer, q["options"])
        assert qtype.grade(q["answer"], answer, 1.0).correct, label


def test_fill_blanks_match_the_underscore_runs_in_the_stem(shipped):
    _, data = shipped
    for label, q in _each(data):
        runs = UNDERSCORES.findall(q["stem"])
        if q["type"] != "fill":
            assert not runs, label
            continue
        assert runs and all(BLANK.fullmatch(run) for run in runs), f"{label}: blanks are written as ____"
        assert len(runs) == len(q["answer"]), label
        for alternatives in q["answer"]:
            assert len({a.casefold() for a in alternatives}) == len(alternatives), label


def test_every_question_cites_its_source(shipped):
    name, data = shipped
    _, _, documents = SHIPPED[name]
    for label, q in _each(data):
        assert isinstance(q["chapter"], str) and q["chapter"].strip(), label
        explanation = q["explanation"]
        assert any(f"《{doc}》" in explanation for doc in documents), f"{label}: explanation names no source document"
        assert CITATION.search(explanation), f"{label}: explanation cites no article or chapter"


def test_every_question_has_a_structured_source_the_explanation_agrees_with(shipped):
    name, data = shipped
    _, _, documents = SHIPPED[name]
    for label, q in _each(data):
        source = q["source"]
        assert set(source) == {"document", "article"}, label
        assert source["document"] in documents, f"{label}: {source['document']} is not one of this bank's documents"
        article = ARTICLE.fullmatch(source["article"])
        assert article, f"{label}: article {source['article']!r} is not like 第三条, 第十七条第二款, 总纲 or 第九章"
        assert f"《{source['document']}》" in q["explanation"], label
        assert (article.group(1) or article.group(0)) in q["explanation"], f"{label}: explanation cites another article"


def test_the_text_of_every_cited_article_is_kept_beside_the_bank(shipped):
    name, data = shipped
    _, _, documents = SHIPPED[name]
    texts = {doc: source_text(file_name) for doc, file_name in documents.items()}
    for doc, text in texts.items():
        assert doc in text.splitlines()[0], f"{documents[doc]} does not start with the document's title"
        assert "来源" in text and "版本" in text, f"{documents[doc]} does not say where the text came from"
    for label, q in _each(data):
        article = ARTICLE.fullmatch(q["source"]["article"])
        heading = article.group(1) or article.group(0)
        text = texts[q["source"]["document"]]
        assert re.search(rf"^{heading}|^{heading[0]}\W*{heading[1:]}", text, re.M), f"{label}: {heading} not in the source text"


def test_answers_cannot_be_guessed_from_their_position_or_length(shipped):
    _, data = shipped
    singles = [q for q in data["questions"] if q["type"] == "single"]
    letters = Counter(q["answer"] for q in singles)
    for letter in "ABCD":
        share = letters[letter] / len(singles)
        assert LETTER_SHARE[0] <= share <= LETTER_SHARE[1], f"{letter}: {share:.0%} of single-choice keys"
    longest = 0
    for q in singles:
        lengths = [len(o["text"]) for o in q["options"]]
        right = lengths[OPTION_KEYS.index(q["answer"])]
        longest += right == max(lengths) and lengths.count(right) == 1
    assert longest / len(singles) <= LONGEST_RIGHT_MAX, f"right option is the longest in {longest} of {len(singles)}"
    multiples = [q for q in data["questions"] if q["type"] == "multiple"]
    prefix = [q for q in multiples if q["answer"] == list(OPTION_KEYS[: len(q["answer"])])]
    assert len(prefix) / len(multiples) <= PREFIX_MAX, f"{len(prefix)} of {len(multiples)} keys are A, AB, ABC…"
    judges = [q["answer"] for q in data["questions"] if q["type"] == "judge"]
    assert JUDGE_TRUE[0] <= judges.count(True) / len(judges) <= JUDGE_TRUE[1], f"{judges.count(True)} of {len(judges)} true"


def test_every_multiple_choice_question_has_a_wrong_option(shipped):
    _, data = shipped
    for label, q in _each(data):
        if q["type"] == "multiple":
            assert len(q["answer"]) < len(q["options"]), f"{label}: every option is right"


def test_no_duplicate_questions(shipped):
    _, data = shipped
    seen: dict[tuple[str, str], str] = {}
    for label, q in _each(data):
        key = (q["type"], stem_key(q["stem"]))
        assert key not in seen, f"{label} duplicates {seen[key]}"
        seen[key] = label
