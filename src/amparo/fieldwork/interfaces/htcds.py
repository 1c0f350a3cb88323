"""Trafficking cases as rows of IOM's Human Trafficking Case Data Standard (HTCDS), as CSV.

Two shapes:

- for a named recipient: the HTCDS fields Amparo holds, with HTCDS codes (`COLUMNS`);
- for publication: no dates or organisations, the age as CTDC's `ageBroad` band and the year of
  registration, then k-anonymised with k = 11 on the quasi-identifiers (gender, age band,
  nationality, year), as CTDC publishes its global dataset (DOMAIN.md 6, PEERS.md 5.2): a row
  whose combination is shared by fewer than k rows loses its nationality, then its age band,
  then its gender, and is left out if it is still too rare.

Multi-select values are joined with ";" (a Salesforce multiselect picklist, HTCDS's toolkit).
"""

import functools
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from amparo.casework.enums import ClosureReason
from amparo.fieldwork.domain.htcds import HtcdsCase
from amparo.lib.csvsafe import SafeWriter
from amparo.lib.datafiles import read_data_file
from amparo.people.enums import CaseStatus

HTCDS_FILE = Path(__file__).resolve().parent.parent / "htcds.yaml"
K = 11
COLUMNS = (
    "cas_Status",
    "cas_ReferredOrganisation",
    "cas_OutgoingReferralDate",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Nationality",
    "vic_AgreementToManagePersonalData",
    "vic_MethodsOfControl",
)
PUBLICATION_COLUMNS = (
    "yearOfRegistration",
    "prs_Gender",
    "ageBroad",
    "prs_Nationality",
    "cas_Status",
    "vic_MethodsOfControl",
)
QUASI_IDENTIFIERS = ("prs_Gender", "ageBroad", "prs_Nationality", "yearOfRegistration")
# Suppressed first to last, until every combination is shared by k rows.
SUPPRESSION_ORDER = ("prs_Nationality", "ageBroad", "prs_Gender")
# CTDC's ageBroad bands: (lowest age, label).
AGE_BANDS = ((48, "48+"), (39, "39--47"), (30, "30--38"), (27, "27--29"), (24, "24--26"),
             (21, "21--23"), (18, "18--20"), (9, "9--17"), (0, "0--8"))  # fmt: skip

type Row = dict[str, str]


@functools.cache
def standard() -> Mapping[str, Any]:
    """The vendored HTCDS field list, picklists and Amparo's mapping (`htcds.yaml`)."""
    return read_data_file(HTCDS_FILE)


def _status(case: Any) -> str:
    if case.status != CaseStatus.CLOSED:
        return "FollowUp" if case.status == CaseStatus.MONITORING else "Active"
    return "ClosedReferred" if case.closure_reason == ClosureReason.TRANSFERRED else "Closed"


def _methods(answers: Mapping[str, object]) -> str:
    mapping: Mapping[str, str] = standard()["methods_of_control"]
    return ";".join(value for code, value in mapping.items() if answers.get(code) is True)


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return ""
    return next(label for low, label in AGE_BANDS if age >= low)


def _common(item: HtcdsCase) -> Row:
    person = item.case.person
    return {
        "cas_Status": _status(item.case),
        "prs_Gender": standard()["gender"].get(person.sex, "Unknown"),
        "prs_Nationality": (person.nationalities or [""])[0],
        "vic_MethodsOfControl": _methods(item.answers),
    }


def recipient_row(item: HtcdsCase) -> Row:
    """One case for a named recipient: HTCDS fields and codes."""
    referral = item.referral
    person = item.case.person
    birth = (
        str(person.birth_date) if person.birth_date and not person.birth_date_is_approximate else ""
    )
    return {
        **_common(item),
        "cas_ReferredOrganisation": referral.receiving_agency.name if referral else "",
        "cas_OutgoingReferralDate": referral.sent_at.date().isoformat()
        if referral and referral.sent_at
        else "",
        "prs_Birthdate": birth,
        "vic_AgreementToManagePersonalData": "true" if item.agreement else "false",
    }


def publication_row(item: HtcdsCase) -> Row:
    """One case before k-anonymisation: no dates, no organisations, the age as a band."""
    opened = item.case.opened_at.date()
    return {
        **_common(item),
        "yearOfRegistration": str(opened.year),
        "ageBroad": age_band(item.case.person.age_on(opened)),
    }


def _rare(rows: list[Row], k: int) -> set[int]:
    """Indexes of the rows whose quasi-identifiers fewer than k rows share."""
    keys = [tuple(row[q] for q in QUASI_IDENTIFIERS) for row in rows]
    counts = Counter(keys)
    return {index for index, key in enumerate(keys) if counts[key] < k}


def k_anonymise(rows: list[Row], k: int = K) -> tuple[list[Row], int]:
    """Suppress quasi-identifiers of rare rows, then leave out what is still rare.

    Returns the rows (in their order) and how many were left out. Every combination of
    quasi-identifiers in the result is shared by at least k rows.
    """
    rows = [dict(row) for row in rows]
    for column in SUPPRESSION_ORDER:
        rare = _rare(rows, k)
        if not rare:
            break
        for index in rare:
            rows[index][column] = ""
    rare = _rare(rows, k)
    return [row for index, row in enumerate(rows) if index not in rare], len(rare)


def htcds_table(
    items: Iterable[HtcdsCase], *, publication: bool
) -> tuple[tuple[str, ...], list[Row], int]:
    """The columns, the rows and how many rows k-anonymity left out (0 for a recipient)."""
    if not publication:
        return COLUMNS, [recipient_row(item) for item in items], 0
    rows, dropped = k_anonymise([publication_row(item) for item in items])
    return PUBLICATION_COLUMNS, rows, dropped


def write_csv(columns: tuple[str, ...], rows: list[Row], stream: Any) -> None:
    """The table as CSV, every cell neutralised against spreadsheet formulas."""
    writer = SafeWriter(stream)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(row[column] for column in columns)


def htcds_csv(items: Iterable[HtcdsCase], *, publication: bool) -> tuple[str, int]:
    """The export as CSV text, and how many rows k-anonymity left out: what the page and the
    API both send."""
    columns, rows, dropped = htcds_table(items, publication=publication)
    out = io.StringIO()
    write_csv(columns, rows, out)
    return out.getvalue(), dropped
