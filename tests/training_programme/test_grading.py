"""Grading each question type, with Moodle's weights, partial credit and feedback."""

import pytest
from django.utils.translation import override

from amparo.training.gift import parse_gift
from amparo.training.grading import Grade, ResponseError, attempt_percent, clean_response, grade


def q(text: str) -> dict:
    return parse_gift(text)[0]


SINGLE = q("Capital?{=Paris#Yes! ~London#No, that is England. ####Paris since 508.}")
MULTI = q("Which?{~%50%A#a is right ~%50%B ~%-100%C#never C}")
MULTI_DEFAULT = q("Which?{=A =B ~C}")
TRUE_FALSE = q("Sky is blue.{T#Wrong, it is.#Right.}")
SHORT = q("Who?{=Grant#Yes =Ulysses S. Grant =%50%*Grant*#Half}")
NUMERIC = q("Year?{#=1822:0#Exact =%50%1821..1823#Close ~#Far}")
MATCHING = q("Match.{=cat -> meow =dog -> woof =cow -> moo}")
ESSAY = q("Explain.{}")


def fb(*texts: str) -> tuple[dict[str, str], ...]:
    return tuple({"text": text, "format": "moodle"} for text in texts)


def test_single_choice_gives_full_credit_and_its_feedback_plus_the_general_feedback() -> None:
    assert grade(SINGLE, 0) == Grade(1.0, fb("Yes!", "Paris since 508."))


def test_single_choice_wrong_gives_nothing_and_says_why() -> None:
    assert grade(SINGLE, 1) == Grade(0.0, fb("No, that is England.", "Paris since 508."))


def test_multiple_answers_give_partial_credit_by_weight() -> None:
    assert (grade(MULTI, [0]), grade(MULTI, [0, 1]).score) == (Grade(0.5, fb("a is right")), 1.0)


def test_a_negative_weight_takes_credit_away_but_never_below_zero() -> None:
    assert (grade(MULTI, [0, 1, 2]).score, grade(MULTI, [2]).score) == (0.0, 0.0)


def test_unweighted_right_answers_share_the_credit_in_a_multiple_answer_question() -> None:
    assert (grade(MULTI_DEFAULT, [0]).score, grade(MULTI_DEFAULT, [0, 1]).score) == (0.5, 1.0)


def test_true_false_gives_the_feedback_of_the_side_chosen() -> None:
    assert (grade(TRUE_FALSE, True), grade(TRUE_FALSE, False)) == (
        Grade(1.0, fb("Right.")),
        Grade(0.0, fb("Wrong, it is.")),
    )


def test_short_answer_ignores_case_and_spacing_and_takes_the_best_match() -> None:
    assert (
        grade(SHORT, "  grant "),
        grade(SHORT, "ulysses  s. GRANT").score,
        grade(SHORT, "General Grant"),
        grade(SHORT, "Lee"),
    ) == (Grade(1.0, fb("Yes")), 1.0, Grade(0.5, fb("Half")), Grade(0.0, ()))


def test_numerical_accepts_the_tolerance_and_ranges_with_their_weights() -> None:
    assert (grade(NUMERIC, 1822.0), grade(NUMERIC, 1821.0), grade(NUMERIC, 1900.0)) == (
        Grade(1.0, fb("Exact")),
        Grade(0.5, fb("Close")),
        Grade(0.0, fb("Far")),
    )


def test_matching_scores_each_pair() -> None:
    assert (
        grade(MATCHING, ["meow", "woof", "moo"]).score,
        grade(MATCHING, ["meow", "moo", None]).score,
    ) == (1.0, pytest.approx(1 / 3, abs=1e-6))


def test_an_essay_waits_for_the_trainer_unless_left_blank() -> None:
    assert (grade(ESSAY, "Because."), grade(ESSAY, None)) == (Grade(None, ()), Grade(0.0, ()))


def test_an_unanswered_question_scores_nothing() -> None:
    assert grade(SINGLE, None) == Grade(0.0, fb("Paris since 508."))


def test_responses_are_cleaned_from_form_strings() -> None:
    assert (
        clean_response(SINGLE, "1"),
        clean_response(MULTI, ["2", "0", "0"]),
        clean_response(TRUE_FALSE, "false"),
        clean_response(NUMERIC, "1822,5"),
        clean_response(SHORT, ""),
    ) == (1, [0, 2], False, 1822.5, None)


@pytest.mark.parametrize(
    ("question", "raw", "problem"),
    [
        (SINGLE, 7, "must be the number of an answer, from 0 to 1"),
        (MULTI, "0", "must be a list of answer numbers"),
        (TRUE_FALSE, "maybe", "must be true or false"),
        (NUMERIC, "soon", "must be a number"),
        (MATCHING, ["meow"], "must be a list of 3 answers, one per item"),
        (MATCHING, ["meow", "woof", "bark"], "holds an answer that is not one of the choices"),
    ],
)
def test_a_response_that_does_not_fit_is_refused(
    question: dict,
    raw: object,
    problem: str,
) -> None:
    with override("en"), pytest.raises(ResponseError) as caught:
        clean_response(question, raw)
    assert str(caught.value) == problem


def test_the_attempt_score_is_the_mean_in_percent() -> None:
    assert (attempt_percent([1.0, 0.5]), attempt_percent([1.0, 0.0, 0.0]), attempt_percent([])) == (
        75.0,
        33.33,
        0.0,
    )
