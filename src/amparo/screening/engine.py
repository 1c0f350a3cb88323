"""The screening engine: from answers to a preliminary identification. Pure: no database, no I/O.

`evaluate(protocol, answers)` suggests profiles (with the indicators that triggered each),
an urgency level with its reasons, immediate actions, referrals to kinds of agency (with the
agencies of that kind in the country of identification) and whether notifying the consulate of
the person's nationality is appropriate. The result is preliminary: a trained person confirms it.

Safety principles that must not depend on a data file being right are enforced here, in code:
no consulate and no agency representing the person's country when they fear returning to it or
may need international protection, and never an immigration-enforcement agency as a referral.
"""

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from typing import Protocol as TypingProtocol

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amparo.accounts.enums import AgencyKind
from amparo.screening.enums import (
    CHILD_FACT,
    PROTECTION_PROFILE,
    TEXT_LANGUAGES,
    URGENCY_RANK,
    ConsularReason,
    ScreeningNote,
    UrgencyLevel,
    UrgencyReason,
)
from amparo.screening.protocol import (
    AllOf,
    AnswerTest,
    AnswerValue,
    AnyOf,
    Condition,
    FactRef,
    ProfileRef,
    Protocol,
    validate_answers,
)

type Indicators = tuple[str, ...]

_CONSULATE = AgencyKind.CONSULATE.value
# Consular reasons that mean the person fears, or may need protection from, their own country.
_FEARED = {ConsularReason.FEARS_RETURN.value, ConsularReason.PROTECTION_NEED.value}

# One explanation per profile of the shipped protocols; a profile a newer protocol adds and
# this table lacks gets the generic sentence, naming the profile, until one is written.
_EXPLANATIONS = {
    "international_protection": gettext_noop(
        "The person fears returning or reports persecution, threats or violence against them or "
        "their family, so they may need international protection."
    ),
    "trafficking": gettext_noop(
        "The answers show signs of trafficking in persons, such as deception, control over the "
        "person, restricted movement, documents held by someone else, or forced work or sex."
    ),
    "unaccompanied_child": gettext_noop(
        "The person is, or is presumed to be, under 18 and travels alone or with an adult who is "
        "not a parent, a legal guardian or a relative, or whose relationship to them is unknown."
    ),
    "separated_child": gettext_noop(
        "The person is, or is presumed to be, under 18 and travels with a relative who is not a "
        "parent or a legal guardian."
    ),
    "crime_victim_in_transit": gettext_noop(
        "The person reports having suffered a crime during the journey."
    ),
    "smuggled_vulnerable": gettext_noop(
        "The person was abandoned or left stranded by a smuggler, or owes a debt to a recruiter or"
        " smuggler."
    ),
    "extra_continental": gettext_noop(
        "The person is a national of a country outside the Americas, so they may face language "
        "barriers and have no consulate of their own in the region."
    ),
    "pregnant_or_lactating": gettext_noop("The person is pregnant or breastfeeding."),
    "woman_at_risk": gettext_noop(
        "The person is a woman or girl with a risk factor such as sexual violence, gender-based "
        "persecution, exploitation or travelling alone."
    ),
    "older_person": gettext_noop("The person's stated age places them among older persons."),
    "disability": gettext_noop("The person has a disability."),
    "serious_medical_condition": gettext_noop(
        "The person has a serious medical condition or needs urgent medical care."
    ),
    "lgbti": gettext_noop(
        "The person says they are at risk because of their sexual orientation, gender identity or "
        "expression, or sex characteristics."
    ),
    "indigenous": gettext_noop(
        "The person identifies as Indigenous, which can bring language barriers and discrimination."
    ),
    "stateless": gettext_noop(
        "The person may be stateless: no country may recognise them as a national."
    ),
}
_GENERIC_EXPLANATION = gettext_noop(
    "The answers match the indicators of the profile “%(profile)s”."
)


# --- The directory of agencies ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyRef:
    """An agency as the engine needs it; `represents` is set for consulates."""

    code: str
    name: str
    country: str
    kind: str
    acronym: str = ""
    name_en: str = ""
    represents: str | None = None
    enforcement: bool = False
    active: bool = True

    def to_dict(self, lang: str) -> dict[str, str]:
        """The agency for a result: the English name in English, else the official name."""
        name = self.name_en if lang == "en" and self.name_en else self.name
        return {"name": name, "country": self.country, "code": self.code, "acronym": self.acronym}


class Directory(TypingProtocol):
    """Where the engine finds agencies; the web layer may pass one backed by the database."""

    def agencies(self, country: str, kind: str) -> Sequence[AgencyRef]:
        """The agencies of this kind in the country."""
        ...

    def consulates(self, country: str, nationality: str) -> Sequence[AgencyRef]:
        """The consulates in the country that serve nationals of `nationality`."""
        ...


class StaticDirectory:
    """A directory held in memory, indexed by (country, kind)."""

    def __init__(self, agencies: Iterable[AgencyRef]) -> None:
        self._by_kind: dict[tuple[str, str], list[AgencyRef]] = {}
        for agency in agencies:
            self._by_kind.setdefault((agency.country, agency.kind), []).append(agency)

    def agencies(self, country: str, kind: str) -> Sequence[AgencyRef]:
        return self._by_kind.get((country, kind), [])

    def consulates(self, country: str, nationality: str) -> Sequence[AgencyRef]:
        return [
            a for a in self._by_kind.get((country, _CONSULATE), []) if a.represents == nationality
        ]


@functools.cache
def reference_directory() -> StaticDirectory:
    """The directory from the reference data files, read once, without the database."""
    # Imported here: the reference module pulls in the accounts models, which the protocol
    # loader and the answer validation do not need.
    from amparo.accounts.domain.reference import (
        AGENCIES_FILE,
        COUNTRIES_FILE,
        parse_agencies,
        parse_countries,
    )

    countries = {country.code for country in parse_countries(COUNTRIES_FILE)}
    return StaticDirectory(
        AgencyRef(
            code=agency.code,
            name=agency.name,
            country=agency.country_id,
            kind=agency.kind,
            acronym=agency.acronym,
            name_en=agency.name_en,
            represents=agency.represents_id,
            enforcement=agency.enforcement,
            active=agency.active,
        )
        for agency in parse_agencies(AGENCIES_FILE, countries)
    )


# --- The result -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuggestedProfile:
    code: str
    label: str
    indicators: Indicators
    explanation: str


@dataclass(frozen=True, slots=True)
class Urgency:
    level: UrgencyLevel
    reason_codes: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImmediateAction:
    code: str
    text: str
    refer_to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Referral:
    kind: str
    label: str
    profiles: tuple[str, ...]  # the suggested profiles this kind of agency serves
    immediate: bool  # an immediate action asks for it: list it first
    agencies: tuple[AgencyRef, ...]


@dataclass(frozen=True, slots=True)
class ConsularNotification:
    appropriate: bool
    reason_code: str
    reason: str
    requires_consent: bool = False
    agencies: tuple[AgencyRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """A preliminary identification; every text is in `lang`, every code is stable."""

    protocol_id: str
    protocol_version: str
    protocol_hash: str
    lang: str
    profiles: tuple[SuggestedProfile, ...]
    urgency: Urgency
    actions: tuple[ImmediateAction, ...]
    referrals: tuple[Referral, ...]
    consular: ConsularNotification
    notes: tuple[str, ...]
    preliminary: bool = field(default=True, init=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the `amparo screen` command and the API."""
        lang = self.lang
        return {
            "protocol": {
                "id": self.protocol_id,
                "version": self.protocol_version,
                "hash": self.protocol_hash,
            },
            "lang": lang,
            "preliminary": self.preliminary,
            "notes": list(self.notes),
            "profiles": [
                {
                    "code": p.code,
                    "label": p.label,
                    "indicators": list(p.indicators),
                    "explanation": p.explanation,
                }
                for p in self.profiles
            ],
            "urgency": {
                "level": self.urgency.level.value,
                "reasons": list(self.urgency.reasons),
                "reason_codes": list(self.urgency.reason_codes),
            },
            "immediate_actions": [action.text for action in self.actions],
            "immediate_action_codes": [action.code for action in self.actions],
            "referrals": [
                {
                    "kind": r.kind,
                    "label": r.label,
                    "profiles": list(r.profiles),
                    "immediate": r.immediate,
                    "agencies": [agency.to_dict(lang) for agency in r.agencies],
                }
                for r in self.referrals
            ],
            "consular_notification": {
                "appropriate": self.consular.appropriate,
                "reason": self.consular.reason,
                "reason_code": self.consular.reason_code,
                "requires_consent": self.consular.requires_consent,
                "agencies": [agency.to_dict(lang) for agency in self.consular.agencies],
            },
        }


# --- Evaluation -------------------------------------------------------------------------------


def evaluate(
    protocol: Protocol,
    answers: object,
    *,
    directory: Directory | None = None,
    lang: str = "es",
) -> ScreeningResult:
    """Screen one person: validate the answers, then apply the protocol's rules.

    `answers` is the object decoded from JSON (answer code to value; absent or null means
    unknown). Raises `AnswersError` listing every bad answer, and `ValueError` for a language
    the protocols do not carry. `directory` defaults to the reference data files.
    """
    if lang not in TEXT_LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(TEXT_LANGUAGES)}")
    directory = directory or reference_directory()
    with translation.override(lang):
        ctx = _Context(protocol, validate_answers(protocol, answers))
        profiles = _suggest_profiles(ctx, lang)  # first: urgency and actions may refer to profiles
        actions = _immediate_actions(ctx, lang)
        consular = _consular_notification(ctx, directory)
        return ScreeningResult(
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            protocol_hash=protocol.sha256,
            lang=lang,
            profiles=profiles,
            urgency=_urgency(ctx),
            actions=actions,
            referrals=_referrals(ctx, profiles, actions, consular, directory),
            consular=consular,
            notes=_notes(ctx),
        )


def visible_questions(protocol: Protocol, answers: Mapping[str, AnswerValue]) -> tuple[str, ...]:
    """The questions the form shows given the (validated) answers so far, in form order."""
    ctx = _Context(protocol, answers)
    shown = []
    for section in protocol.sections:
        for code in section.questions:
            show_if = protocol.questions[code].show_if
            if show_if is None or _holds(show_if, ctx) is not None:
                shown.append(code)
    return tuple(shown)


class _Context:
    """The answers of one screening, with facts and profiles worked out once each."""

    def __init__(self, protocol: Protocol, answers: Mapping[str, AnswerValue]) -> None:
        self.protocol = protocol
        self.answers = answers
        self._facts: dict[str, Indicators | None] = {}
        self.profiles: dict[str, Indicators] = {}

    def fact(self, name: str) -> Indicators | None:
        if name not in self._facts:
            self._facts[name] = _holds(self.protocol.facts[name], self)
        return self._facts[name]

    def ordered(self, codes: Iterable[str]) -> Indicators:
        return tuple(sorted(set(codes), key=self.protocol.question_order.__getitem__))


def _holds(condition: Condition, ctx: _Context) -> Indicators | None:
    """None when the condition does not hold; otherwise the answers that made it hold.

    `any` keeps the indicators of every branch that holds, not only the first, so removing
    all of a profile's indicators is sure to remove the profile.
    """
    match condition:
        case AnswerTest():
            return (
                (condition.answer,) if _test(condition, ctx.answers.get(condition.answer)) else None
            )
        case AnyOf():
            found = [hit for item in condition.items if (hit := _holds(item, ctx)) is not None]
            return tuple(code for hit in found for code in hit) if found else None
        case AllOf():
            codes: list[str] = []
            for item in condition.items:
                hit = _holds(item, ctx)
                if hit is None:
                    return None
                codes.extend(hit)
            return tuple(codes)
        case FactRef():
            return ctx.fact(condition.name)
        case ProfileRef():
            return ctx.profiles.get(condition.code)


def _test(test: AnswerTest, value: AnswerValue | None) -> bool:
    # An absent answer is unknown, not "no": no test holds on it.
    if value is None:
        return False
    match test.op:
        case "is":
            return bool(value == test.value)
        case "in":
            return value in test.value
        case "not_in":
            return value not in test.value
        case "includes_any":
            return not test.value.isdisjoint(value)
        case "lt":
            return bool(value < test.value)
        case "lte":
            return bool(value <= test.value)
        case "gt":
            return bool(value > test.value)
        case _:
            return bool(value >= test.value)


def _suggest_profiles(ctx: _Context, lang: str) -> tuple[SuggestedProfile, ...]:
    for rule in ctx.protocol.rules:
        hit = _holds(rule.when, ctx)
        if hit is not None:
            ctx.profiles[rule.profile] = ctx.profiles.get(rule.profile, ()) + hit
    return tuple(
        SuggestedProfile(
            code=code,
            label=profile.label.get(lang),
            indicators=ctx.ordered(ctx.profiles[code]),
            explanation=_explanation(code, profile.label.get(lang)),
        )
        for code, profile in ctx.protocol.profiles.items()
        if code in ctx.profiles
    )


def _explanation(code: str, label: str) -> str:
    if code in _EXPLANATIONS:
        return _(_EXPLANATIONS[code])
    return _(_GENERIC_EXPLANATION) % {"profile": label}


def _urgency(ctx: _Context) -> Urgency:
    """The highest level any urgency rule reaches; its reasons, the most pressing first."""
    matched = [rule for rule in ctx.protocol.urgency if _holds(rule.when, ctx) is not None]
    if not matched:
        reason = UrgencyReason.NO_URGENT_INDICATOR
        return Urgency(UrgencyLevel.NORMAL, (reason.value,), (str(reason.label),))
    matched.sort(key=lambda rule: -URGENCY_RANK[rule.level])  # stable: file order within a level
    codes = tuple(dict.fromkeys(rule.reason.value for rule in matched))
    return Urgency(matched[0].level, codes, tuple(str(UrgencyReason(code).label) for code in codes))


def _immediate_actions(ctx: _Context, lang: str) -> tuple[ImmediateAction, ...]:
    return tuple(
        ImmediateAction(action.code, action.text.get(lang), action.refer_to)
        for action in ctx.protocol.actions
        if action.when is None or _holds(action.when, ctx) is not None
    )


def _consular_notification(ctx: _Context, directory: Directory) -> ConsularNotification:
    """Whether to notify the consulate of the person's nationality. The checks run in order of
    safety: a fear of return or a protection need always withholds it."""
    answers = ctx.answers
    nationality = answers.get("nationality")
    country = answers.get("country_of_identification")
    if answers.get("fear_of_return") is True:
        return _withheld(ConsularReason.FEARS_RETURN)
    if PROTECTION_PROFILE in ctx.profiles:
        return _withheld(ConsularReason.PROTECTION_NEED)
    if answers.get("stateless") is True:
        return _withheld(ConsularReason.STATELESS)
    if not isinstance(nationality, str):
        return _withheld(ConsularReason.NATIONALITY_UNKNOWN)
    if nationality == country:
        return _withheld(ConsularReason.OWN_COUNTRY)
    if "fear_of_return" not in answers:
        # Unknown is not "no": a person not yet asked may well fear their country's officials.
        return _withheld(ConsularReason.FEAR_NOT_ASKED)
    consulates = directory.consulates(country, nationality) if isinstance(country, str) else ()
    agencies = tuple(agency for agency in consulates if _referable(agency))
    if ctx.fact(CHILD_FACT) is not None:
        return ConsularNotification(
            True, ConsularReason.CHILD.value, str(ConsularReason.CHILD.label), False, agencies
        )
    reason = ConsularReason.ADULT_CONSENT
    return ConsularNotification(True, reason.value, str(reason.label), True, agencies)


def _withheld(reason: ConsularReason) -> ConsularNotification:
    return ConsularNotification(False, reason.value, str(reason.label))


def _referable(agency: AgencyRef) -> bool:
    # Enforcement bodies are never a referral, whatever the directory holds.
    return agency.active and not agency.enforcement


def _referrals(
    ctx: _Context,
    profiles: Sequence[SuggestedProfile],
    actions: Sequence[ImmediateAction],
    consular: ConsularNotification,
    directory: Directory,
) -> tuple[Referral, ...]:
    """Kinds of agency to refer to: those immediate actions ask for first, then by profile."""
    immediate = [kind for action in actions for kind in action.refer_to]
    served: dict[str, list[str]] = {kind: [] for kind in immediate}
    for profile in profiles:
        for kind in ctx.protocol.profiles[profile.code].refer_to:
            served.setdefault(kind, []).append(profile.code)
    if not consular.appropriate:
        served.pop(_CONSULATE, None)
    return tuple(
        Referral(
            kind=kind,
            label=str(AgencyKind(kind).label),
            profiles=tuple(codes),
            immediate=kind in immediate,
            agencies=_agencies_for(ctx, kind, consular, directory),
        )
        for kind, codes in served.items()
    )


def _agencies_for(
    ctx: _Context, kind: str, consular: ConsularNotification, directory: Directory
) -> tuple[AgencyRef, ...]:
    country = ctx.answers.get("country_of_identification")
    if not isinstance(country, str):
        return ()
    if kind == _CONSULATE:
        return consular.agencies
    # A person who fears their country is offered nothing that represents it, whatever the kind.
    feared = ctx.answers.get("nationality") if consular.reason_code in _FEARED else None
    return tuple(
        agency
        for agency in directory.agencies(country, kind)
        if _referable(agency) and (feared is None or agency.represents != feared)
    )


def _notes(ctx: _Context) -> tuple[str, ...]:
    notes = [str(ScreeningNote.PRELIMINARY.label)]
    child = ctx.fact(CHILD_FACT)
    # A child by appearance only: the stated age (if any) did not make the person a child.
    if child is not None and "age_years" not in child:
        notes.append(str(ScreeningNote.AGE_PRESUMED.label))
    return tuple(notes)
