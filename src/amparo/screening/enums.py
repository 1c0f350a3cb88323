"""Stable codes of screening: answer types, urgency levels and the reasons the engine gives.

Saved screenings, the API and partners store these codes, so a code never changes meaning;
the labels are the user-facing sentences, translated through gettext.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Question wording, profile labels and immediate actions in protocol files carry these languages.
TEXT_LANGUAGES = ("es", "en", "fr")


class AnswerType(models.TextChoices):
    BOOLEAN = "boolean", _("Yes or no")
    INTEGER = "integer", _("Whole number")
    CHOICE = "choice", _("One choice")
    MULTI_CHOICE = "multi_choice", _("Several choices")
    COUNTRY = "country", _("Country")


class UrgencyLevel(models.TextChoices):
    """The UNHCR priority levels (HRIT): emergency, urgent, normal."""

    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


# Higher is more pressing; the result takes the highest level any urgency rule reaches.
URGENCY_RANK = {UrgencyLevel.NORMAL: 0, UrgencyLevel.URGENT: 1, UrgencyLevel.EMERGENCY: 2}


class UrgencyReason(models.TextChoices):
    """Why a screening is urgent; protocol files name these codes in their urgency rules."""

    IMMEDIATE_DANGER = "immediate_danger", _("The person is in immediate danger.")
    URGENT_MEDICAL_CARE = "urgent_medical_care", _("The person needs urgent medical care.")
    RECENT_SEXUAL_VIOLENCE = (
        "recent_sexual_violence",
        _(
            "Sexual violence happened within the last 72 hours: clinical care is a medical "
            "emergency."
        ),
    )
    UNACCOMPANIED_OR_SEPARATED_CHILD = (
        "unaccompanied_or_separated_child",
        _(
            "An unaccompanied or separated child needs the child-protection authority without "
            "delay."
        ),
    )
    TRAFFICKING_INDICATORS = (
        "trafficking_indicators",
        _(
            "There are signs of trafficking in persons: the person may still be under someone's "
            "control."
        ),
    )
    RISK_OF_REFOULEMENT = (
        "risk_of_refoulement",
        _(
            "The person fears returning and must not be sent back while their need for protection "
            "is assessed."
        ),
    )
    SEXUAL_VIOLENCE = (
        "sexual_violence",
        _("The person reports sexual violence and needs survivor-centred care."),
    )
    VISIBLE_INJURIES = (
        "visible_injuries",
        _("The person has visible injuries that need medical attention."),
    )
    NO_URGENT_INDICATOR = (
        "no_urgent_indicator",
        _("No emergency or urgent indicator was reported; a trained person still confirms this."),
    )


class ConsularReason(models.TextChoices):
    """Why notifying the consulate of the person's nationality is, or is not, appropriate."""

    FEARS_RETURN = (
        "fears_return",
        _(
            "The person fears returning to their country, whoever they fear there: do not notify "
            "its consulate or its authorities."
        ),
    )
    PROTECTION_NEED = (
        "protection_need",
        _(
            "The person may need international protection: do not notify the consulate or the "
            "authorities of their country."
        ),
    )
    STATELESS = (
        "stateless",
        _(
            "The person may be stateless: there is no consulate to notify; refer them for a "
            "statelessness assessment."
        ),
    )
    NATIONALITY_UNKNOWN = (
        "nationality_unknown",
        _("The person's nationality is not known, so no consulate can be identified."),
    )
    OWN_COUNTRY = (
        "own_country",
        _(
            "The person is in their own country of nationality, so consular notification does not "
            "apply."
        ),
    )
    FEAR_NOT_ASKED = (
        "fear_not_asked",
        _(
            "First ask whether the person fears returning to their country; do not notify the "
            "consulate until then."
        ),
    )
    CHILD = (
        "child",
        _(
            "The person is, or is presumed to be, an unaccompanied or separated child who says "
            "they do not fear returning: after assessing the risk of trafficking, notify the "
            "consulate of their nationality for consular protection and family tracing, in the "
            "child's best interests."
        ),
    )
    CHILD_WITH_PARENT = (
        "child_with_parent",
        _(
            "The child travels with a parent or legal guardian: notify the consulate only if they "
            "give informed consent, with the child's views heard."
        ),
    )
    ADULT_CONSENT = (
        "adult_consent",
        _(
            "The person is an adult: notify the consulate of their nationality only if they give "
            "informed consent."
        ),
    )


class ScreeningNote(models.TextChoices):
    PRELIMINARY = (
        "preliminary",
        _(
            "This is a preliminary identification, not a decision on the person's status: a "
            "trained person confirms it with the person, who may fit several profiles."
        ),
    )
    AGE_PRESUMED = (
        "age_presumed",
        _(
            "The person appears to be under 18 and their age is not established, so they are "
            "treated as a child until it is."
        ),
    )


# The engine's safety principles rest on these stable codes, so every protocol must ask them.
ENGINE_QUESTIONS = {
    "age_years": AnswerType.INTEGER,
    "apparent_minor": AnswerType.BOOLEAN,
    "fear_of_return": AnswerType.BOOLEAN,
    "stateless": AnswerType.BOOLEAN,
    "nationality": AnswerType.COUNTRY,
    "country_of_identification": AnswerType.COUNTRY,
}
# Every protocol defines this fact: the person is, or is presumed to be, under 18.
CHILD_FACT = "child"
# A suggested profile that withholds any contact with the consulate of the person's nationality.
PROTECTION_PROFILE = "international_protection"
