"""The directory of agencies: where the engine finds the agencies of a kind, and consulates."""

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Protocol as TypingProtocol

from amparo.accounts.enums import AgencyKind

if TYPE_CHECKING:
    from amparo.accounts.models import Agency

_CONSULATE = AgencyKind.CONSULATE.value


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
    # False for institutions that are no referral destination (tribunals, foreign ministries):
    # `referral_target: false` in accounts/reference/agencies.yaml.
    referral_target: bool = True

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


def agency_ref(agency: "Agency", today: dt.date | None = None) -> AgencyRef:
    """What the engine needs of an agency (a saved row or one parsed from the data files);
    an agency whose `valid_to` has passed counts as inactive."""
    expired = agency.valid_to is not None and agency.valid_to < (today or dt.date.today())
    return AgencyRef(
        code=agency.code,
        name=agency.name,
        country=agency.country_id,
        kind=agency.kind,
        acronym=agency.acronym,
        name_en=agency.name_en,
        represents=agency.represents_id,
        enforcement=agency.enforcement,
        active=agency.active and not expired,
        referral_target=agency.code not in not_referral_targets(),
    )


@functools.cache
def not_referral_targets() -> frozenset[str]:
    """Codes of the agencies marked `referral_target: false` in the reference file."""
    # Imported here, as in `reference_directory`: the answer checks need no accounts models.
    from amparo.accounts.domain.reference import AGENCIES_FILE
    from amparo.lib.datafiles import read_data_file

    data = read_data_file(AGENCIES_FILE)
    return frozenset(
        item["code"]
        for items in data.values()
        for item in items or []
        if item.get("referral_target", True) is False
    )


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
        agency_ref(agency) for agency in parse_agencies(AGENCIES_FILE, countries)
    )
