"""Write functions for persons and cases. Each one audits what it did."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.lib.conflicts import EditConflict
from amparo.lib.names import name_keys
from amparo.lib.text import normalise_document, normalise_name, normalise_phone
from amparo.people.domain.queries import cases_visible_to, get_case_for
from amparo.people.enums import CaseStatus, IdentifierKind, Sex
from amparo.people.models import Case, Person, PersonIdentifier
from amparo.protection import crypto
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction


@dataclass
class PersonData:
    given_names: str
    first_surname: str = ""
    second_surname: str = ""
    sex: str = "unknown"
    birth_date: dt.date | None = None
    birth_date_is_approximate: bool = False
    nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    documents: list[dict[str, str]] = field(default_factory=list)
    phone: str = ""


def _identifiers(person: Person) -> list[PersonIdentifier]:
    rows = []
    full = normalise_name(person.full_name)
    if full:
        digest = crypto.blind_index(full, purpose=IdentifierKind.NAME)
        rows.append(PersonIdentifier(person=person, kind=IdentifierKind.NAME, digest=digest))
    documents: list[dict[str, str]] = person.documents or []
    for key in sorted(name_keys(person.full_name)):
        digest = crypto.blind_index(key, purpose=IdentifierKind.NAME_KEY)
        rows.append(PersonIdentifier(person=person, kind=IdentifierKind.NAME_KEY, digest=digest))
    for document in documents:
        number = normalise_document(document.get("number", ""))
        if number:
            digest = crypto.blind_index(number, purpose=IdentifierKind.DOCUMENT)
            rows.append(
                PersonIdentifier(person=person, kind=IdentifierKind.DOCUMENT, digest=digest)
            )
    phone = normalise_phone(person.phone)
    if phone:
        digest = crypto.blind_index(phone, purpose=IdentifierKind.PHONE)
        rows.append(PersonIdentifier(person=person, kind=IdentifierKind.PHONE, digest=digest))
    return rows


def validate_person_data(data: PersonData) -> None:
    """Refuse wrong values naming every wrong field at once (a ValidationError)."""
    errors: dict[str, str] = {}
    if not data.given_names.strip():
        errors["given_names"] = _("Give at least one given name.")
    if data.sex not in Sex.values:
        errors["sex"] = _("Unknown value %(value)r.") % {"value": data.sex}
    if data.birth_date is not None and data.birth_date > timezone.localdate():
        errors["birth_date"] = _("The date cannot be in the future.")
    bad = [c for c in data.nationalities if len(c) != 2 or not c.isalpha() or not c.isupper()]
    if bad:
        errors["nationalities"] = _("Not ISO 3166 alpha-2 codes: %(codes)s") % {
            "codes": ", ".join(bad)
        }
    bad = [c for c in data.languages if len(c) not in (2, 3) or not c.isalpha()]
    if bad:
        errors["languages"] = _("Not ISO 639 codes: %(codes)s") % {"codes": ", ".join(bad)}
    if any(not str(d.get("number", "")).strip() for d in data.documents):
        errors["documents"] = _("Every identity document needs a number.")
    if errors:
        raise ValidationError(errors)


def register_person(data: PersonData, *, actor: User | None, is_synthetic: bool = False) -> Person:
    """Create a person with encrypted personal fields and blind indexes.

    Effects: validates every field (ValidationError naming each wrong one, nothing saved),
    the person row, its identifier digests and a `person.created` audit event, in one
    transaction.
    """
    validate_person_data(data)
    birth = data.birth_date
    with transaction.atomic():
        person = Person.objects.create(
            given_names=data.given_names,
            first_surname=data.first_surname,
            second_surname=data.second_surname,
            sex=data.sex,
            birth_date=birth.isoformat() if birth else "",
            birth_date_is_approximate=data.birth_date_is_approximate,
            birth_year=birth.year if birth else None,
            nationalities=data.nationalities,
            languages=data.languages,
            documents=data.documents or None,
            phone=data.phone,
            is_synthetic=is_synthetic,
            created_by=actor,
        )
        PersonIdentifier.objects.bulk_create(_identifiers(person))
        record_event(AuditAction.PERSON_CREATED, actor=actor, subject=person)
    return person


def find_persons_by_document(number: str) -> list[int]:
    """Exact lookup through the blind index: the ids of persons holding this document number.

    Kept for the key tests (`tests/protection`): they prove that a document is still found
    after the blind-index key is rotated."""
    digest = crypto.blind_index(normalise_document(number), purpose=IdentifierKind.DOCUMENT)
    rows = PersonIdentifier.objects.filter(kind=IdentifierKind.DOCUMENT, digest=digest)
    return sorted(set(rows.values_list("person_id", flat=True)))


def open_case(
    person: Person,
    *,
    actor: User | None,
    agency: Agency,
    assigned_to: User | None = None,
    status: str = CaseStatus.IDENTIFIED,
) -> Case:
    """Open a case for a person at an agency.

    Effects: refuses a status that is not a case stage and a closed one (ValidationError
    naming `status`); the case row with a reference COUNTRY-YEAR-NUMBER, the year being the
    opening date in the node's time zone; a `case.created` audit event; one transaction.
    """
    if status not in CaseStatus.values or status == CaseStatus.CLOSED:
        raise ValidationError(
            {"status": _("Not a stage a case can open at: %(value)r.") % {"value": status}}
        )
    with transaction.atomic():
        case = Case.objects.create(
            reference=f"pending-{timezone.now().timestamp()}-{person.pk}",
            person=person,
            agency=agency,
            country_id=agency.country_id,
            assigned_to=assigned_to,
            created_by=actor,
            status=status,
            is_synthetic=person.is_synthetic,
        )
        year = timezone.localdate(case.opened_at).year
        case.reference = f"{agency.country_id}-{year}-{case.pk:06d}"
        case.save(update_fields=["reference"])
        payload = {"agency": agency.code, "status": status}
        record_event(AuditAction.CASE_CREATED, actor=actor, subject=case, payload=payload)
    return case


def open_case_for_new_person(data: PersonData, *, actor: User, agency: Agency) -> Case:
    """Register a new person and open their case at `agency`, assigned to the actor: the one
    way the registration page, the screening page and the API create a case.

    Effects: those of `register_person` and `open_case`, in one transaction; nothing is
    saved when the details are refused (ValidationError naming each wrong field).
    """
    with transaction.atomic():
        person = register_person(data, actor=actor)
        return open_case(person, actor=actor, agency=agency, assigned_to=actor)


def read_case(user: User, case_id: int, *, shown: dict[str, Any] | None = None) -> Case:
    """Open a case for reading through the gate, and record that it was read (`case.viewed`);
    `shown` names the part of the case a page shows and the ids of what it lists."""
    case = get_case_for(user, case_id)
    record_event(AuditAction.CASE_VIEWED, actor=user, subject=case, payload=shown)
    return case


def list_cases(user: User, *, limit: int, offset: int = 0) -> list[Case]:
    """A page of the cases the user may see, recording which cases were shown."""
    cases = list(cases_visible_to(user)[offset : offset + limit])
    if cases:
        payload = {"cases": [c.pk for c in cases]}
        record_event(AuditAction.CASE_LISTED, actor=user, payload=payload)
    return cases


EDITABLE_PERSON_FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "birth_date_is_approximate",
    "nationalities",
    "languages",
    "phone",
)


def person_values(person: Person) -> dict[str, object]:
    return {name: getattr(person, name) for name in EDITABLE_PERSON_FIELDS}


def _codes(value: object) -> list[str]:
    return [str(code) for code in value] if isinstance(value, list) else []


def _validate_changes(person: Person, changes: dict[str, object]) -> None:
    """Validate the person as the changes would leave them (ValidationError per field)."""
    merged = {**person_values(person), **changes}
    birth = str(merged["birth_date"] or "")
    try:
        birth_date = dt.date.fromisoformat(birth) if birth else None
    except ValueError as error:
        message = _("Not a date: %(value)r.") % {"value": birth}
        raise ValidationError({"birth_date": message}) from error
    validate_person_data(
        PersonData(
            given_names=str(merged["given_names"]),
            sex=str(merged["sex"]),
            birth_date=birth_date,
            nationalities=_codes(merged["nationalities"]),
            languages=_codes(merged["languages"]),
        )
    )


def update_person(
    case: Case, *, actor: User, changes: dict[str, object], expected_version: int
) -> Person:
    """Change a person's details through their case, unless the case changed meanwhile.

    Effects: validates the person as the changes would leave them (ValidationError naming
    each wrong field, nothing saved); when a value differs from what is saved, bumps the case
    version (the lock for the case and its person), saves the changed fields, rebuilds the
    blind indexes and writes a `person.updated` audit event naming the changed fields, in one
    transaction. Changes that change nothing write nothing. Raises EditConflict with the
    saved values when the case moved past `expected_version`.
    """
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
        if current.version != expected_version:
            raise EditConflict(person_values(current.person), current.version)
        person = current.person
        changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
        if not changed:
            return person
        _validate_changes(person, changes)
        for name in changed:
            setattr(person, name, changes[name])
        if "birth_date" in changed:
            person.birth_year = int(str(person.birth_date)[:4]) if person.birth_date else None
            changed.append("birth_year")
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=timezone.now())
        person.save(update_fields=changed)
        person.identifiers.all().delete()
        PersonIdentifier.objects.bulk_create(_identifiers(person))
        record_event(
            AuditAction.PERSON_UPDATED, actor=actor, subject=person, payload={"fields": changed}
        )
        case.refresh_from_db(fields=["version", "updated_at"])
    return person
