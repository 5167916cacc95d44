"""Property-based round trips without a database: questions → export file → parser → same questions."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.banks.citations import clean_article, clean_document
from quizapp.banks.formats import ParsedQuestion, parse_file
from quizapp.banks.template import questions_xlsx

# Cell text as people type it: no control characters; "/" "|" and "," are the
# template's own separators for fill answers and tags, so they stay out of those.
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
               max_size=25).map(str.strip).filter(bool)
PLAIN = TEXT.filter(lambda t: not any(c in t for c in "/|,，;；、"))
# A citation's parts as stored: no book-title marks, spaces collapsed (document) or removed (article).
DOCUMENT = TEXT.map(clean_document).filter(lambda t: t and not any(c in t for c in "《》〈〉"))
ARTICLE = st.one_of(st.just(""), st.just("第三条"), TEXT.map(clean_article).filter(
    lambda t: not any(c in t for c in "《》〈〉")))


@st.composite
def questions(draw):
    type_ = draw(st.sampled_from(["single", "multiple", "judge", "fill"]))
    options, answer = [], None
    if type_ in ("single", "multiple"):
        options = [{"key": "ABCDEFGH"[i], "text": draw(TEXT)} for i in range(draw(st.integers(2, 8)))]
        keys = [o["key"] for o in options]
        answer = draw(st.sampled_from(keys)) if type_ == "single" else sorted(
            draw(st.sets(st.sampled_from(keys), min_size=2)))
    elif type_ == "judge":
        answer = draw(st.booleans())
    else:
        answer = [draw(st.lists(PLAIN, min_size=1, max_size=3, unique=True)) for _ in range(draw(st.integers(1, 3)))]
    return ParsedQuestion(type=type_, stem=draw(TEXT), options=options, answer=answer,
                          explanation=draw(st.one_of(st.just(""), TEXT)), chapter=draw(st.one_of(st.just(""), TEXT)),
                          difficulty=draw(st.integers(1, 3)), tags=draw(st.lists(PLAIN, max_size=3, unique=True)),
                          **draw(st.one_of(st.just({}), st.builds(
                              lambda d, a: {"source_document": d, "source_article": a}, DOCUMENT, ARTICLE))))


@settings(max_examples=40, deadline=None)
@given(items=st.lists(questions(), min_size=1, max_size=8))
def test_xlsx_export_parses_back_to_the_same_questions(items):
    result = parse_file("bank.xlsx", questions_xlsx(items))
    assert not result.errors
    assert [q.as_export() for q in result.questions] == [q.as_export() for q in items]


@settings(max_examples=40, deadline=None)
@given(items=st.lists(questions(), min_size=1, max_size=8), retired=st.lists(st.booleans(), min_size=8, max_size=8))
def test_json_export_parses_back_to_the_same_questions(items, retired):
    for item, flag in zip(items, retired):
        item.retired = flag
    document = {"bank": {"name": "题库", "category": "theory"}, "questions": [q.as_export() for q in items]}
    result = parse_file("bank.json", json.dumps(document, ensure_ascii=False).encode())
    assert not result.errors
    assert [q.as_export() for q in result.questions] == document["questions"]
