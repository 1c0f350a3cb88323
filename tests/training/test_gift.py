"""The GIFT parser and exporter on small, hand-written questions (the suite is in
test_gift_conformance.py)."""

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.training.gift import GiftSyntaxError, Question, parse_gift, to_gift

NO_FEEDBACK = {"feedback": None, "feedback_format": None}


def _question(**fields: object) -> Question:
    """A question dict as the parser returns it, with `fields` over the defaults."""
    base: Question = {
        "type": "essay",
        "title": None,
        "id": None,
        "tags": None,
        "category": None,
        "text": "",
        "format": "moodle",
        "embedded": False,
        "answers": [],
        **NO_FEEDBACK,
    }
    return base | fields


def _choice(text: str, *, correct: bool, weight: float | None = None, **fields: object) -> dict:
    answer = {"text": text, "format": "moodle", "weight": weight, "correct": correct}
    return answer | NO_FEEDBACK | fields


def _only(gift: str) -> Question:
    [question] = parse_gift(gift)
    return question


# Questions ------------------------------------------------------------------------------


def test_a_multiple_choice_question_reads_its_title_answers_weights_and_feedback() -> None:
    gift = "::Fire exits::Where do you meet?{\n  =At the gate#Yes\n  ~%-50%Inside\n  ~Car park\n}"

    question = _only(gift)

    assert question == _question(
        type="multiple_choice",
        title="Fire exits",
        text="Where do you meet?",
        answers=[
            _choice("At the gate", correct=True, feedback="Yes", feedback_format="moodle"),
            _choice("Inside", correct=False, weight=-50.0),
            _choice("Car park", correct=False),
        ],
        multiple_answers=False,
    )


def test_a_multiple_choice_question_without_one_single_right_answer_allows_several() -> None:
    weighted = _only("Pick two.{~%50%a ~%50%b ~%-100%c}")
    two_right = _only("Pick two.{=a =b ~c}")

    assert (weighted["multiple_answers"], two_right["multiple_answers"]) == (True, True)


def test_true_false_feedback_follows_moodle_first_for_a_wrong_answer_then_a_right_one() -> None:
    true_question = _only("The sky is blue.{TRUE#Look up.#Well seen.}")
    false_question = _only("Fish fly.{F#Not usually.#Right.}")

    assert [true_question[key] for key in ("correct", "true_feedback", "false_feedback")] == [
        True,
        "Well seen.",
        "Look up.",
    ]
    assert [false_question[key] for key in ("correct", "true_feedback", "false_feedback")] == [
        False,
        "Not usually.",
        "Right.",
    ]


def test_a_bare_answer_or_only_equals_signs_make_a_short_answer() -> None:
    bare = _only("Capital of Peru?{Lima}")
    weighted = _only("Capital of Peru?{=Lima =%50%lima city#Close}")

    assert bare["type"] == weighted["type"] == "short_answer"
    assert bare["answers"] == [_choice("Lima", correct=True)]
    assert weighted["answers"][1] == _choice(
        "lima city", correct=True, weight=50.0, feedback="Close", feedback_format="moodle"
    )


def test_numerical_answers_carry_a_tolerance_a_range_or_any_other_answer() -> None:
    question = _only("How many?{#\n=%100%12:0.5#Yes\n=10..14\n~#No\n}")

    assert question["type"] == "numerical"
    assert question["answers"] == [
        {"value": 12.0, "tolerance": 0.5, "weight": 100.0, "correct": True}
        | {"feedback": "Yes", "feedback_format": "moodle"},
        {"min": 10.0, "max": 14.0, "weight": None, "correct": True} | NO_FEEDBACK,
        {"text": "*", "weight": None, "correct": False}
        | {"feedback": "No", "feedback_format": "moodle"},
    ]


def test_a_lone_number_has_no_tolerance() -> None:
    assert _only("Year?{#1951}")["answers"] == [
        {"value": 1951.0, "tolerance": 0.0, "weight": None, "correct": True} | NO_FEEDBACK
    ]


def test_matching_pairs_keep_left_format_and_plain_right_side() -> None:
    question = _only("[html]Match.{=[plain]Water -> H2O =<b>Salt</b> -> NaCl}")

    assert question["type"] == "matching"
    assert question["answers"] == [
        {"left": "Water", "left_format": "plain", "right": "H2O"},
        {"left": "<b>Salt</b>", "left_format": "html", "right": "NaCl"},
    ]


def test_an_empty_block_is_an_essay_and_no_block_is_a_description() -> None:
    essay, description = parse_gift("Describe your day.{####Be kind.}\n\nRead carefully.")

    assert essay == _question(
        text="Describe your day.", feedback="Be kind.", feedback_format="moodle"
    )
    assert description == _question(type="description", text="Read carefully.")


def test_text_after_the_block_makes_a_missing_word_question_with_a_placeholder() -> None:
    question = _only("Water boils at {#100} degrees.")

    assert (question["text"], question["embedded"]) == ("Water boils at _____ degrees.", True)


def test_comments_ids_tags_and_categories_attach_to_the_right_questions() -> None:
    gift = (
        "// [id:q1] [tag:safety]\n// [tag:week-1]\nFirst?{}\n\n"
        "// [id:lost] is separated by a blank line\n\n"
        "$CATEGORY: $course$/top/Week 1\n"
        "Second?{}\n"
    )

    first, second = parse_gift(gift)

    assert (first["id"], first["tags"], first["category"]) == ("q1", ["safety", "week-1"], None)
    assert (second["id"], second["tags"], second["category"]) == (None, None, "$course$/top/Week 1")


def test_escapes_become_their_characters_and_a_backslash_before_a_space_stays() -> None:
    question = _only(r"Use \{ \} \= \~ \# \: \\ and \n or \ alone.{}")

    assert question["text"] == "Use { } = ~ # : \\ and \n or \\ alone."


def test_moodle_text_joins_wrapped_lines_while_html_and_markdown_keep_them() -> None:
    moodle, html = parse_gift("A long\n   wrapped\tline{}\n\n[html]<p>one</p>\n<p>two</p>{}")

    assert moodle["text"] == "A long wrapped line"
    assert html["text"] == "<p>one</p>\n<p>two</p>"


def test_a_no_break_space_in_moodle_text_is_kept() -> None:
    assert _only("Price:\u00a0100 pesos{}")["text"] == "Price:\u00a0100 pesos"


def test_windows_line_endings_and_a_byte_order_mark_are_read_like_plain_lines() -> None:
    assert parse_gift("\ufeffOne?{T}\r\n\r\nTwo?{F}\r\n") == parse_gift("One?{T}\n\nTwo?{F}\n")


# Refusals, each with the line of the problem ---------------------------------------------

REFUSED = [
    ("Q1?{T}\n\nWhere?{\n=here\n~there\n", 3, "'{' is not closed: end the answer block with '}'"),
    ("Q?{=a\n{=b}", 1, "'{' is not closed: end the answer block with '}'"),
    ("Q?{T}\nNext?{F}", 2, "a second answer block: separate questions with a blank line"),
    ("Q?} {T}", 1, "'}' without an opening '{' (write \\} for a literal brace)"),
    ("Q?{T} oops }", 1, "'}' without an opening '{' (write \\} for a literal brace)"),
    ("::Title\nQ?{T}", 1, "the title is not closed: write ::title:: before the question"),
    ("Q?{\n=a\n~b\n=}", 4, "an answer has no text"),
    ("Q?{~only one}", 1, "a multiple-choice question needs at least two answers"),
    ("Q?{=a -> b}", 1, "a matching question needs at least two pairs"),
    ("Q?{\n=a -> b\n=c\n}", 3, "every answer of a matching question needs 'question -> answer'"),
    ("Q?{=a -> b#why =c -> d}", 1, "a matching pair takes no weight and no feedback"),
    ("Q?{=a -> b =c -> }", 1, "a matching pair needs an answer after '->'"),
    ("Q?{stray =a ~b}", 1, "text before the first answer: start each answer with = or ~"),
    ("Q?{#}", 1, "a numerical question needs an answer after '#'"),
    ("Q?{#\n=12\n=twelve}", 3, "'twelve' is not a number, number:tolerance or min..max"),
    ("Q?{#5..1}", 1, "range 5..1: the minimum is greater than the maximum"),
    ("Q?{#5:-1}", 1, "5:-1: the tolerance cannot be negative"),
    ("Q?{#=5 ~4#close}", 1, "in a numerical question ~ takes only feedback: ~#feedback"),
    ("Q?{~%half%a =b}", 1, "weight %half% is not a percentage from -100 to 100"),
    ("Q?{~%150%a =b}", 1, "weight %150% is not a percentage from -100 to 100"),
    ("Q?{T#a#b#c}", 1, "true/false takes at most two feedbacks: {T#wrong#right}"),
    ("::Only a title::", 1, "the question has no text and no answer block"),
    ("Fill ___ and\n_____ {=in} here", 2, "a missing-word question cannot also contain _____"),
    ("$CATEGORY:   ", 1, "$CATEGORY: needs a category path"),
    ("// [id:a]\n// [id:b]\nQ?{}", 2, "a question has only one [id:...]"),
    (
        "Line one\nline \\q two{}",
        2,
        "unknown escape '\\q': only \\~ \\= \\# \\{ \\} \\: \\\\ and \\n are escapes "
        "(write \\\\ for a backslash)",
    ),
]


@pytest.mark.parametrize(("gift", "line", "problem"), REFUSED)
def test_a_malformed_question_is_refused_with_its_line_and_problem(
    gift: str, line: int, problem: str
) -> None:
    with pytest.raises(GiftSyntaxError) as refused:
        parse_gift(gift, source="quiz.gift")

    assert (refused.value.line, refused.value.problem) == (line, problem)
    assert str(refused.value) == f"quiz.gift:{line}: {problem}"


# Export -----------------------------------------------------------------------------------


def test_export_writes_gift_that_moodle_users_recognise() -> None:
    questions = parse_gift(
        "$CATEGORY: Week 1\n// [id:7]\n::Exits::Meet where?{=Gate#Yes ~Inside}\n\nYear?{#1951:1}"
    )

    assert to_gift(questions) == (
        "$CATEGORY: Week 1\n\n"
        "// [id:7]\n::Exits::Meet where?{\n\t=Gate#Yes\n\t~Inside\n}\n\n"
        "Year?{#\n\t=1951:1\n}\n\n"
    )


@pytest.mark.parametrize(
    "gift",
    [
        "[moodle][html] is a literal text.{T}",
        "Pick.{=[moodle]%50% off ~[moodle][plain] as text}",
        "[moodle]// not a comment{}",
        r"[html]A\n\nB{}",
        "Grant is {~buried =entombed} in Grant's tomb.",
        "Odd?{TRUE##Only the right-answer feedback####General}",
        "How do you get there?{bus -> metro#A bare answer, so short answer and not matching}",
    ],
)
def test_text_that_looks_like_syntax_survives_export(gift: str) -> None:
    questions = parse_gift(gift)

    assert parse_gift(to_gift(questions)) == questions


def test_export_refuses_to_drop_a_category_gift_cannot_unset() -> None:
    questions = [_question(text="A?", category="Week 1"), _question(text="B?")]

    with pytest.raises(ValueError, match="no category"):
        to_gift(questions)


# Round trip over generated questions -------------------------------------------------------

# Words of GIFT's special characters and ordinary ones; single spaces between words, as the
# parser leaves moodle text. No '>' so that no text can form a matching arrow.
WORD = st.text(alphabet="abcXYZ019é~=#{}:\\%[]/_.!?*-", min_size=1, max_size=8)
TEXT = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
FORMAT = st.sampled_from(["moodle", "html", "markdown", "plain"])
WEIGHT = st.none() | st.floats(min_value=-100, max_value=100, allow_nan=False)
NUMBER = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@st.composite
def _feedback(draw: st.DrawFn) -> dict:
    text = draw(st.none() | TEXT)
    return {"feedback": text, "feedback_format": None if text is None else draw(FORMAT)}


@st.composite
def _choices(draw: st.DrawFn, *, correct: st.SearchStrategy[bool]) -> dict:
    text, fmt, weight = draw(TEXT), draw(FORMAT), draw(WEIGHT)
    return {"text": text, "format": fmt, "weight": weight, "correct": draw(correct)} | draw(
        _feedback()
    )


@st.composite
def _number(draw: st.DrawFn) -> dict:
    low, high = sorted([draw(NUMBER), draw(NUMBER)])
    specs: list[dict[str, Any]] = [
        {"min": low, "max": high},
        {"value": low, "tolerance": high - low},
        {"text": "*"},
    ]
    spec = draw(st.sampled_from(specs))
    if "text" in spec:
        return spec | {"weight": None, "correct": False} | draw(_feedback())
    return spec | {"weight": draw(WEIGHT), "correct": True} | draw(_feedback())


@st.composite
def _generated_question(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(["multiple_choice", "short_answer", "numerical", "true_false"]))
    question = _question(
        type=kind,
        title=draw(st.none() | TEXT),
        text=draw(TEXT),
        format=draw(FORMAT),
        category=draw(st.none() | st.just("$course$/top/Generated")),
    ) | draw(_feedback())
    if kind == "multiple_choice":
        answers = [draw(_choices(correct=st.booleans())) for _ in range(draw(st.integers(1, 4)))]
        answers.append(draw(_choices(correct=st.just(False))))
        right = sum(answer["correct"] for answer in answers)
        question |= {"answers": answers, "multiple_answers": right != 1}
    elif kind == "short_answer":
        question["answers"] = draw(
            st.lists(_choices(correct=st.just(True)), min_size=1, max_size=3)
        )
    elif kind == "numerical":
        question["answers"] = draw(st.lists(_number(), min_size=1, max_size=3))
    else:
        on_true, on_false = draw(_feedback()), draw(_feedback())
        question |= {
            "correct": draw(st.booleans()),
            "true_feedback": on_true["feedback"],
            "true_feedback_format": on_true["feedback_format"],
            "false_feedback": on_false["feedback"],
            "false_feedback_format": on_false["feedback_format"],
        }
    return question


@settings(database=None, max_examples=300)
@given(st.lists(_generated_question(), min_size=1, max_size=3))
def test_generated_questions_survive_export_and_parse_unchanged(questions: list[Question]) -> None:
    # GIFT cannot unset a category, so once one question has it the later ones keep it.
    for before, after in itertools.pairwise(questions):
        after["category"] = after["category"] or before["category"]

    assert parse_gift(to_gift(questions)) == questions


# Pieces of GIFT syntax in any order: whatever parses must export and parse back the same.
MARKS = ["~", "=", "#", "####", "{", "}", "::", ":", "\\", "\\n", "->", "..", "*", "_____"]
WORDS = ["a", "b c", " ", "\n", "\n\n", "%50%", "%x%", "[html]", "[plain]", "T", "1", "\u00a0"]
LINES = ["// [id:1]", "$CATEGORY: c"]
PIECES = st.sampled_from([*MARKS, *WORDS, *LINES])


@settings(database=None, max_examples=500)
@given(st.lists(PIECES, max_size=25).map("".join))
def test_any_text_is_either_refused_or_survives_export_and_parse(gift: str) -> None:
    try:
        questions = parse_gift(gift)
    except GiftSyntaxError:
        return

    assert parse_gift(to_gift(questions)) == questions
