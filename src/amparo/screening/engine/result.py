"""The result of a screening, with every text in one language and every code stable."""

from dataclasses import dataclass, field
from typing import Any

from amparo.screening.engine.directory import AgencyRef
from amparo.screening.enums import UrgencyLevel

type Indicators = tuple[str, ...]


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
