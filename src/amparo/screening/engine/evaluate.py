"""Evaluation: the protocol's rules applied to validated answers, and the safety principles
that must not depend on a data file being right."""

from collections.abc import Mapping, Sequence

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amparo.accounts.enums import AgencyKind
from amparo.screening.engine.conditions import _Context, _holds
from amparo.screening.engine.directory import (
    _CONSULATE,
    AgencyRef,
    Directory,
    reference_directory,
)
from amparo.screening.engine.result import (
    ConsularNotification,
    ImmediateAction,
    Referral,
    ScreeningResult,
    SuggestedProfile,
    Urgency,
)
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
from amparo.screening.protocol import AnswerValue, Protocol, validate_answers

# The profiles that make a child's consular notification the authorities' duty, not a choice.
_UNACCOMPANIED_OR_SEPARATED = {"unaccompanied_child", "separated_child"}
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
    if ctx.fact(CHILD_FACT) is None:
        reason = ConsularReason.ADULT_CONSENT
        return ConsularNotification(True, reason.value, str(reason.label), True, agencies)
    # Only an unaccompanied or separated child is notified without consent (RCM 2013 Guidelines;
    # UNHCR/UNICEF Safe & Sound): a child with a parent or guardian is theirs to decide.
    if _UNACCOMPANIED_OR_SEPARATED & ctx.profiles.keys():
        reason = ConsularReason.CHILD
        return ConsularNotification(True, reason.value, str(reason.label), False, agencies)
    reason = ConsularReason.CHILD_WITH_PARENT
    return ConsularNotification(True, reason.value, str(reason.label), True, agencies)


def _withheld(reason: ConsularReason) -> ConsularNotification:
    return ConsularNotification(False, reason.value, str(reason.label))


def _referable(agency: AgencyRef) -> bool:
    # Enforcement bodies, tribunals and the like are never a referral, whatever the directory
    # holds (non-refoulement; agencies.yaml `enforcement` and `referral_target`).
    return agency.active and not agency.enforcement and agency.referral_target


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
