"""Reading a saved result in the reader's language, exactly as it was evaluated.

The stored result is `ScreeningResult.to_dict()` in English. Nothing is re-evaluated: codes
stay as stored; wording from the protocol (profile labels, immediate actions) comes from the
protocol version the screening recorded, after checking the file's SHA-256; the engine's own
sentences are translated from their codes or, for explanations and notes, from the stored
English text, which is their gettext msgid.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext

from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency
from amparo.screening.enums import ConsularReason, UrgencyReason
from amparo.screening.models import Screening
from amparo.screening.protocol import Protocol, ProtocolNotFoundError, load_protocol


class ProtocolChangedError(RuntimeError):
    """The protocol file a screening recorded is gone, or its SHA-256 differs."""


def screening_protocol(screening: Screening) -> Protocol:
    """The exact protocol version the screening was evaluated with.

    Raises `ProtocolChangedError` when that version's file is gone or was edited since (its
    SHA-256 differs from the recorded one): its wording may no longer be what the officer saw.
    """
    try:
        protocol = load_protocol(screening.protocol_id, screening.protocol_version)
    except ProtocolNotFoundError:
        raise ProtocolChangedError(
            f"{screening.protocol_id} {screening.protocol_version} is no longer installed"
        ) from None
    if protocol.sha256 != screening.protocol_hash:
        raise ProtocolChangedError(
            f"{protocol.path.name} changed since screening #{screening.pk} was evaluated"
        )
    return protocol


def _label(choices: type[TextChoices], code: str, fallback: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:  # a code this version of Amparo does not know: keep what was stored
        return fallback


def _agency_names(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Official and English names of the agencies a result names, in one query."""
    codes = {a["code"] for r in result["referrals"] for a in r["agencies"]}
    codes |= {a["code"] for a in result["consular_notification"]["agencies"]}
    rows = Agency.objects.filter(code__in=codes).values_list("code", "name", "name_en")
    return {code: (name, name_en) for code, name, name_en in rows}


def _agencies(
    stored: Iterable[dict[str, str]], names: dict[str, tuple[str, str]], lang: str
) -> list[dict[str, str]]:
    agencies = []
    for agency in stored:
        name, name_en = names.get(agency["code"], (agency["name"], ""))
        shown = name_en if lang == "en" and name_en else name
        agencies.append({**agency, "name": shown})
    return agencies


def _profiles(result: dict[str, Any], protocol: Protocol | None, lang: str) -> list[dict[str, Any]]:
    profiles = []
    for profile in result["profiles"]:
        known = protocol.profiles.get(profile["code"]) if protocol else None
        label = known.label.get(lang) if known else profile["label"]
        profiles.append({**profile, "label": label, "explanation": gettext(profile["explanation"])})
    return profiles


def _actions(result: dict[str, Any], protocol: Protocol | None, lang: str) -> list[str]:
    texts = {action.code: action.text.get(lang) for action in protocol.actions} if protocol else {}
    pairs = zip(result["immediate_action_codes"], result["immediate_actions"], strict=True)
    return [texts.get(code, stored) for code, stored in pairs]


def _urgency(result: dict[str, Any]) -> dict[str, Any]:
    urgency = result["urgency"]
    pairs = zip(urgency["reason_codes"], urgency["reasons"], strict=True)
    return {**urgency, "reasons": [_label(UrgencyReason, code, text) for code, text in pairs]}


def _consular(
    result: dict[str, Any], names: dict[str, tuple[str, str]], lang: str
) -> dict[str, Any]:
    consular = result["consular_notification"]
    reason = _label(ConsularReason, consular["reason_code"], consular["reason"])
    return {**consular, "reason": reason, "agencies": _agencies(consular["agencies"], names, lang)}


def _referrals(
    result: dict[str, Any], names: dict[str, tuple[str, str]], lang: str
) -> list[dict[str, Any]]:
    return [
        {
            **referral,
            "label": _label(AgencyKind, referral["kind"], referral["label"]),
            "agencies": _agencies(referral["agencies"], names, lang),
        }
        for referral in result["referrals"]
    ]


def localised_result(screening: Screening, lang: str) -> dict[str, Any]:
    """The saved result in `lang`, in the shape of `ScreeningResult.to_dict()`, plus
    `protocol_changed`: true when the recorded protocol file is gone or differs, in which case
    the protocol's wording stays as stored (English) while every code is still exact."""
    result: dict[str, Any] = screening.result or {}
    try:
        protocol: Protocol | None = screening_protocol(screening)
    except ProtocolChangedError:
        protocol = None
    names = _agency_names(result)
    with translation.override(lang):
        return {
            **result,
            "lang": lang,
            "protocol_changed": protocol is None,
            "notes": [gettext(note) for note in result["notes"]],
            "profiles": _profiles(result, protocol, lang),
            "urgency": _urgency(result),
            "immediate_actions": _actions(result, protocol, lang),
            "referrals": _referrals(result, names, lang),
            "consular_notification": _consular(result, names, lang),
        }
