"""Write functions for persons and cases. Each one audits what it did."""

import datetime as dt
from dataclasses import dataclass, field

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
    """Exact lookup through the blind index: the ids of persons holding this document number."""
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

    Effects: the case row with a reference COUNTRY-YEAR-NUMBER and a `case.created` audit
    event, in one transaction.
    """
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
        case.reference = f"{agency.country_id}-{case.opened_at.year}-{case.pk:06d}"
        case.save(update_fields=["reference"])
        payload = {"agency": agency.code, "status": status}
        record_event(AuditAction.CASE_CREATED, actor=actor, subject=case, payload=payload)
    return case


def read_case(user: User, case_id: int) -> Case:
    """Open a case for reading through the gate, and record that it was read."""
    case = get_case_for(user, case_id)
    record_event(AuditAction.CASE_VIEWED, actor=user, subject=case)
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


def update_person(
    case: Case, *, actor: User, changes: dict[str, object], expected_version: int
) -> Person:
    """Change a person's details through their case, unless the case changed meanwhile.

    Effects: bumps the case version (the lock for the case and its person), saves the changed
    fields and rebuilds the blind indexes, writes a `person.updated` audit event naming the
    changed fields, in one transaction. Raises EditConflict with the saved values otherwise.
    """
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        bumped = Case.objects.filter(pk=case.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if bumped == 0:
            current = Case.objects.select_related("person").get(pk=case.pk)
            raise EditConflict(person_values(current.person), current.version)
        person = Person.objects.get(pk=case.person_id)
        changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
        for name in changed:
            setattr(person, name, changes[name])
        if "birth_date" in changed:
            person.birth_year = int(str(person.birth_date)[:4]) if person.birth_date else None
            changed.append("birth_year")
        if changed:
            person.save(update_fields=changed)
            person.identifiers.all().delete()
            PersonIdentifier.objects.bulk_create(_identifiers(person))
        record_event(
            AuditAction.PERSON_UPDATED, actor=actor, subject=person, payload={"fields": changed}
        )
        case.refresh_from_db(fields=["version", "updated_at"])
    return person
