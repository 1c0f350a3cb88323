"""Conformance: every .gift file of the suite parses to the questions of the .json beside it.

The suite (tests/training/data/gift/, MIT, see its LICENSE) comes from the JavaScript parser
GIFT-grammar-PEG.js, whose JSON has its own shape. `expected_questions` below maps that shape
to ours, key by key, so each file is compared question by question with exact equality.

One mapping needs a word. In the suite a true/false question's `trueFeedback` and
`falseFeedback` are positional: the first and the second `#feedback` as written. Moodle reads
them as "feedback for a wrong answer" then "for a right answer", so for a TRUE question the
first one is what a student who answers FALSE sees. We keep Moodle's meaning (our
`true_feedback` is shown on answering true), hence the swap in `_true_false` for TRUE
questions; TFTwoFeedback.gift, whose labels read "feedback for true", is the file where the
suite's names and Moodle's meaning differ. No file is skipped and none needs an exception.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from amparo.training.gift import Question, parse_gift, to_gift

SUITE = Path(__file__).parent / "data" / "gift"
NAMES = sorted(path.stem for path in SUITE.glob("*.gift"))

TYPES = {
    "MC": "multiple_choice",
    "TF": "true_false",
    "Short": "short_answer",
    "Numerical": "numerical",
    "Matching": "matching",
    "Essay": "essay",
    "Description": "description",
}

Item = dict[str, Any]


def expected_questions(items: list[Item]) -> list[Question]:
    """The suite's items in our shape; a Category item sets the category of later questions."""
    questions = []
    category = None
    for item in items:
        if item["type"] == "Category":
            category = item["title"]
        else:
            questions.append(_question(item, category))
    return questions


def _question(item: Item, category: str | None) -> Question:
    question = {
        "type": TYPES[item["type"]],
        "title": item["title"],
        "id": item["id"],
        "tags": item["tags"],
        "category": category,
        "text": item["stem"]["text"],
        "format": item["stem"]["format"],
        "embedded": item["hasEmbeddedAnswers"],
        "answers": [],
        **_formatted(item.get("globalFeedback"), "feedback"),
    }
    if item["type"] == "MC":
        answers = [_choice(choice) for choice in item["choices"]]
        right = sum(answer["correct"] for answer in answers)
        question |= {"answers": answers, "multiple_answers": right != 1}
    elif item["type"] == "Short":
        question["answers"] = [_choice(choice) for choice in item["choices"]]
    elif item["type"] == "Numerical":
        question["answers"] = _numerical(item["choices"])
    elif item["type"] == "Matching":
        question["answers"] = [_pair(pair) for pair in item["matchPairs"]]
    elif item["type"] == "TF":
        question |= _true_false(item)
    return question


def _formatted(text: Item | None, key: str) -> Item:
    if text is None:
        return {key: None, f"{key}_format": None}
    return {key: text["text"], f"{key}_format": text["format"]}


def _choice(choice: Item) -> Item:
    return {
        "text": choice["text"]["text"],
        "format": choice["text"]["format"],
        "weight": choice["weight"],
        "correct": choice["isCorrect"],
        **_formatted(choice["feedback"], "feedback"),
    }


def _numerical(choices: Item | list[Item]) -> list[Item]:
    if isinstance(choices, dict):  # a lone {#answer}: right, unweighted, no feedback
        lone = {"weight": None, "correct": True, "feedback": None, "feedback_format": None}
        return [_number(choices) | lone]
    answers = []
    for choice in choices:
        value = choice["text"]
        number = _number(value) if "type" in value else {"text": value["text"]}  # "*": any other
        extra = {"weight": choice["weight"], "correct": choice["isCorrect"]}
        answers.append(number | extra | _formatted(choice["feedback"], "feedback"))
    return answers


def _number(value: Item) -> Item:
    if value["type"] == "high-low":
        return {"min": value["numberLow"], "max": value["numberHigh"]}
    return {"value": value["number"], "tolerance": value.get("range", 0)}  # "simple" has no range


def _pair(pair: Item) -> Item:
    left = pair["subquestion"]
    return {"left": left["text"], "left_format": left["format"], "right": pair["subanswer"]}


def _true_false(item: Item) -> Item:
    first, second = item["trueFeedback"], item["falseFeedback"]  # "#first#second", as written
    on_true, on_false = (second, first) if item["isTrue"] else (first, second)
    return {
        "correct": item["isTrue"],
        **_formatted(on_true, "true_feedback"),
        **_formatted(on_false, "false_feedback"),
    }


def _suite(name: str) -> tuple[str, list[Item]]:
    gift = (SUITE / f"{name}.gift").read_text(encoding="utf-8")
    return gift, json.loads((SUITE / f"{name}.json").read_text(encoding="utf-8"))


def test_the_suite_has_a_json_for_every_gift_file_and_no_other() -> None:
    assert sorted(path.stem for path in SUITE.glob("*.json")) == NAMES
    assert len(NAMES) == 51


@pytest.mark.parametrize("name", NAMES)
def test_every_suite_file_parses_to_the_questions_of_its_json(name: str) -> None:
    gift, items = _suite(name)

    questions = parse_gift(gift, source=name)

    expected = expected_questions(items)
    assert len(questions) == len(expected)
    for number, (question, wanted) in enumerate(zip(questions, expected, strict=True), start=1):
        assert (number, question) == (number, wanted)


def _ends_with_a_category(name: str) -> bool:
    items = _suite(name)[1]
    return bool(items) and items[-1]["type"] == "Category"


@pytest.mark.parametrize("name", [name for name in NAMES if _ends_with_a_category(name)])
def test_a_category_at_the_end_of_a_suite_file_reaches_a_question_written_after_it(
    name: str,
) -> None:
    gift, items = _suite(name)

    questions = parse_gift(gift + "\n\nA question after the category?{}\n")

    assert questions[-1]["category"] == items[-1]["title"]


@pytest.mark.parametrize("name", NAMES)
def test_every_suite_file_survives_export_and_parse_unchanged(name: str) -> None:
    questions = parse_gift(_suite(name)[0])

    assert parse_gift(to_gift(questions)) == questions
