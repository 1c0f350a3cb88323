"""HTCDS export: the standard's fields and codes, only cases a basis covers, k-anonymised for
publication. Every person here is synthetic."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.fieldwork.domain.htcds import read_htcds_cases
from amparo.fieldwork.interfaces.htcds import (
    COLUMNS,
    PUBLICATION_COLUMNS,
    QUASI_IDENTIFIERS,
    age_band,
    htcds_table,
    k_anonymise,
    standard,
)
from amparo.people.models import Case
from amparo.protection.models import AuditEvent
from amparo.screening.domain.screenings import attach_to_case, decide_profiles, submit_screening
from tests.conftest import make_case
from tests.screening.builders import adult

TRAFFICKED = adult(deceptive_job_offer=True, documents_held_by_other=True, sex="female")


def _trafficking_case(actor: User, index: int, *, purposes: tuple[str, ...]) -> Case:
    case = make_case(actor=actor, agency_code="mx-oim", given=f"Synthia{index}", surname="Ficticia")
    screening = submit_screening(actor=actor, agency=case.agency, answers=TRAFFICKED, lang="es")
    decide_profiles(
        screening, actor=actor, decisions={d.code: (True, "") for d in screening.decisions.all()}
    )
    attach_to_case(screening, actor=actor, case=case)
    comar = Agency.objects.get(code="mx-comar")
    for purpose in purposes:
        recipient = comar if purpose == "sharing" else None
        record_consent(
            case,
            ConsentInput(purpose=purpose, method="written", recipient=recipient),
            actor=actor,
        )
    return case


def _field_names() -> set[str]:
    fields = standard()["fields"]
    return {prefix + name for prefix, names in fields.items() for name in names}


def _check_against_the_standard(columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    allowed = _field_names() | set(standard()["ctdc"])
    assert set(columns) <= allowed
    for row in rows:
        for column, picklist in standard()["picklists"].items():
            if row.get(column):
                assert set(row[column].split(";")) <= set(picklist), (column, row[column])
        if row.get("ageBroad"):
            assert row["ageBroad"] in standard()["ctdc"]["ageBroad"]


def test_a_recipient_export_holds_the_htcds_fields_of_consenting_cases_only(
    mx_caseworker: User, mx_supervisor: User
) -> None:
    covered = _trafficking_case(mx_caseworker, 1, purposes=("assistance", "sharing"))
    _trafficking_case(mx_caseworker, 2, purposes=("assistance",))  # no consent to share
    comar = Agency.objects.get(code="mx-comar")
    items = read_htcds_cases(actor=mx_supervisor, publication=False, recipient=comar)
    assert [item.case for item in items] == [covered]
    columns, rows, dropped = htcds_table(items, publication=False)
    assert dropped == 0
    assert columns == COLUMNS
    assert rows == [
        {
            "cas_Status": "Active",
            "cas_ReferredOrganisation": "",
            "cas_OutgoingReferralDate": "",
            "prs_Birthdate": "1990-05-17",
            "prs_Gender": "Female",
            "prs_Nationality": "HN",
            "vic_AgreementToManagePersonalData": "true",
            "vic_MethodsOfControl": "FalsePromises;WithholdsDocuments",
        }
    ]
    _check_against_the_standard(columns, rows)
    event = AuditEvent.objects.filter(action="htcds.exported").get()
    assert event.payload == {"cases": [covered.pk], "publication": False, "recipient": "mx-comar"}


def test_the_publication_export_is_k_anonymised_with_k_11(
    mx_caseworker: User, mx_supervisor: User
) -> None:
    for index in range(12):
        _trafficking_case(mx_caseworker, index, purposes=("statistics",))
    out = io.StringIO()
    call_command("htcds", "export", "--publication", "--user", "sofia.mx", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(PUBLICATION_COLUMNS)
    assert len(lines) == 13
    today = timezone.localdate()
    band = age_band(today.year - 1990 - ((today.month, today.day) < (5, 17)))
    expected = f"{today.year},Female,{band},HN,Active,FalsePromises;WithholdsDocuments"
    assert set(lines[1:]) == {expected}


def test_rare_rows_lose_their_nationality_then_their_age_then_are_left_out() -> None:
    common = {"prs_Gender": "Female", "ageBroad": "30--38", "yearOfRegistration": "2026"}
    rows = [{**common, "prs_Nationality": "HN"} for _i in range(11)]
    rows += [{**common, "prs_Nationality": nat} for nat in ["GT"] * 6 + ["SV"] * 5]
    rows += [{"prs_Gender": "Male", "ageBroad": "9--17", "prs_Nationality": "NI",
              "yearOfRegistration": "2026"}]  # fmt: skip
    kept, dropped = k_anonymise(rows, k=11)
    assert dropped == 1
    assert [row["prs_Nationality"] for row in kept] == ["HN"] * 11 + [""] * 11
    counts: dict[tuple[str, ...], int] = {}
    for row in kept:
        key = tuple(row[q] for q in QUASI_IDENTIFIERS)
        counts[key] = counts.get(key, 0) + 1
    assert min(counts.values()) >= 11


def test_age_bands_are_ctdcs() -> None:
    assert [age_band(a) for a in (0, 8, 9, 17, 18, 29, 30, 47, 48, None)] == [
        "0--8", "0--8", "9--17", "9--17", "18--20", "27--29", "30--38", "39--47", "48+", "",
    ]  # fmt: skip


def test_a_caseworker_cannot_export_and_nothing_is_audited(mx_caseworker: User) -> None:
    with pytest.raises(PermissionDenied):
        read_htcds_cases(actor=mx_caseworker, publication=True)
    assert not AuditEvent.objects.filter(action="htcds.exported").exists()


def test_an_outsider_exports_no_mexican_case(mx_caseworker: User, reference: None) -> None:
    from amparo.accounts.enums import Role
    from tests.conftest import _user

    _trafficking_case(mx_caseworker, 1, purposes=("statistics",))
    outsider = _user("gabriela.gt", "gt-oim", Role.SUPERVISOR)
    assert read_htcds_cases(actor=outsider, publication=True) == []
