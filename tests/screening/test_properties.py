"""Properties that hold for every answer set, on every shipped protocol (hypothesis)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.screening.engine import ScreeningResult, evaluate
from amparo.screening.enums import URGENCY_RANK, AnswerType
from amparo.screening.protocol import (
    AllOf,
    AnswerTest,
    AnyOf,
    Condition,
    Protocol,
    Question,
    protocol_registry,
)

PROTOCOLS = list(protocol_registry().values())
# A "yes" here is good news, not a risk, so it is left out of the "more risk" property.
PROTECTIVE = {"speaks_local_language"}
# Nationalities from the region, from far away, and the two countries the agencies file covers best.
COUNTRIES = [
    "MX",
    "GT",
    "HN",
    "SV",
    "US",
    "CA",
    "CR",
    "PA",
    "HT",
    "CU",
    "VE",
    "CM",
    "AF",
    "IN",
    "CN",
]
ENFORCEMENT = {"us-ice", "us-cbp", "ca-cbsa"}

# Each example runs the whole engine; a deadline would only measure the machine.
many = settings(max_examples=150, deadline=None, database=None)


def value_of(question: Question) -> st.SearchStrategy[object]:
    match question.type:
        case AnswerType.BOOLEAN:
            return st.booleans()
        case AnswerType.INTEGER:
            return st.integers(question.min, question.max) | st.none()
        case AnswerType.CHOICE:
            return st.sampled_from(list(question.choices))
        case AnswerType.MULTI_CHOICE:
            return st.lists(st.sampled_from(list(question.choices)), unique=True)
        case _:
            return st.sampled_from(COUNTRIES)


def answer_sets(protocol: Protocol) -> st.SearchStrategy[dict[str, object]]:
    """Any valid answer set: each question answered or not."""
    optional = {code: value_of(question) for code, question in protocol.questions.items()}
    return st.fixed_dictionaries({}, optional=optional)


def presumed(protocol: Protocol) -> set[str]:
    """The answers an `unanswered` presumption tests: removing one may add the profile it
    protects (a child with an adult whose relationship is not recorded)."""

    def walk(condition: Condition) -> set[str]:
        match condition:
            case AnswerTest(op="unanswered"):
                return {condition.answer}
            case AnyOf() | AllOf():
                return set().union(*(walk(item) for item in condition.items))
        return set()

    conditions = [*protocol.facts.values(), *(rule.when for rule in protocol.rules)]
    return set().union(*(walk(condition) for condition in conditions))


def profiles(result: ScreeningResult) -> set[str]:
    return {profile.code for profile in result.profiles}


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: f"{p.id}@{p.version}")
@many
@given(data=st.data())
def test_any_valid_answer_set_evaluates_to_a_preliminary_json_result(
    protocol: Protocol, data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(protocol))
    result = evaluate(protocol, answers, lang=data.draw(st.sampled_from(["es", "en", "fr"])))
    assert json.loads(json.dumps(result.to_dict()))["preliminary"] is True
    assert result.urgency.level in URGENCY_RANK


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: f"{p.id}@{p.version}")
@many
@given(data=st.data())
def test_removing_an_answer_never_adds_a_profile(protocol: Protocol, data: st.DataObject) -> None:
    answers = data.draw(answer_sets(protocol).filter(lambda a: bool(set(a) - presumed(protocol))))
    removed = data.draw(st.sampled_from(sorted(set(answers) - presumed(protocol))))
    fewer = {code: value for code, value in answers.items() if code != removed}
    assert profiles(evaluate(protocol, fewer)) <= profiles(evaluate(protocol, answers))


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: f"{p.id}@{p.version}")
@many
@given(data=st.data())
def test_removing_the_indicators_of_a_profile_removes_that_profile(
    protocol: Protocol, data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(protocol))
    for profile in evaluate(protocol, answers).profiles:
        without = {code: v for code, v in answers.items() if code not in profile.indicators}
        assert profile.code not in profiles(evaluate(protocol, without))


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: f"{p.id}@{p.version}")
@many
@given(data=st.data())
def test_one_more_risk_indicator_never_lowers_urgency(
    protocol: Protocol, data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(protocol))
    risks = [
        code
        for code, question in protocol.questions.items()
        if question.type == AnswerType.BOOLEAN and code not in PROTECTIVE
    ]
    flagged = data.draw(st.sampled_from(risks))
    before = evaluate(protocol, answers).urgency.level
    after = evaluate(protocol, {**answers, flagged: True}).urgency.level
    assert URGENCY_RANK[after] >= URGENCY_RANK[before]


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: f"{p.id}@{p.version}")
@many
@given(data=st.data())
def test_a_person_who_fears_returning_is_never_referred_to_their_country(
    protocol: Protocol, data: st.DataObject
) -> None:
    answers = {**data.draw(answer_sets(protocol)), "fear_of_return": True}
    result = evaluate(protocol, answers)
    nationality = answers.get("nationality")
    assert result.consular.appropriate is False
    assert result.consular.agencies == ()
    assert all(referral.kind != "consulate" for referral in result.referrals)
    representing = {a.represents for r in result.referrals for a in r.agencies} - {None}
    assert nationality not in representing


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: f"{p.id}@{p.version}")
@many
@given(data=st.data())
def test_enforcement_agencies_are_never_referred(protocol: Protocol, data: st.DataObject) -> None:
    answers = data.draw(answer_sets(protocol))
    result = evaluate(protocol, answers)
    named = {agency.code for referral in result.referrals for agency in referral.agencies}
    assert named.isdisjoint(ENFORCEMENT)
