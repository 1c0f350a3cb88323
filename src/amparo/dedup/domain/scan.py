"""`amparo dedup scan`: the batch model over the node's registry, filling the review queue.

Names are decrypted in this process's memory only: the rows go to an in-memory DuckDB that
may not spill to disk (linkage/model.py), and nothing is written but pair ids and evidence.
"""

from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.dedup import rules
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.linkage.model import DEFAULT_THRESHOLD, link
from amparo.dedup.linkage.prepare import model_rows
from amparo.dedup.models import DuplicateCandidate, PersonMerge
from amparo.people.models import Case, Person
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction


@dataclass(frozen=True)
class ScanCounts:
    persons: int
    new: int
    updated: int
    skipped: int


class ScanRefused(Exception):
    """The user may not scan: they supervise no agency."""


def _raw_rows(cases: Q | None = None) -> list[dict[str, str]]:
    merged_away = PersonMerge.objects.filter(unmerged_at__isnull=True).values("merged_id")
    persons = Person.objects.exclude(pk__in=merged_away)
    if cases is not None:
        persons = persons.filter(pk__in=Case.objects.filter(cases).values("person_id"))
    rows = []
    for person in persons.order_by("pk").iterator(chunk_size=2000):
        documents = person.documents or []
        rows.append(
            {
                "id": str(person.pk),
                "given_name": person.given_names,
                "surname": person.first_surname,
                "second_surname": person.second_surname,
                "sex": person.sex if person.sex in ("female", "male") else "",
                "birth_date": person.birth_date or (str(person.birth_year or "")),
                "nationality": (person.nationalities or [""])[0],
                "document_number": documents[0].get("number", "") if documents else "",
                "phone": person.phone,
            }
        )
    return rows


def _evidence(row: pd.Series) -> list[dict[str, object]]:
    found = []
    for column in row.index:
        if column.startswith("gamma_"):
            name = column[len("gamma_") :]
            found.append(
                {"comparison": name, "level": int(row[column]), "weight": float(row[f"mw_{name}"])}
            )
    return found


def scan_registry(*, threshold: float, actor: User | None, cases: Q | None = None) -> ScanCounts:
    """Compare every person of the node with every other, and queue the likely duplicates;
    with `cases`, only the persons who have a case among them.

    Effects: new open pairs; open pairs get the new probability and evidence; decided pairs
    (proposed, merged, not the same) are left alone; one `dedup.scanned` audit event with the
    counts. Reads every person's personal data (decrypted in memory).
    """
    rows = _raw_rows(cases)
    if len(rows) < 2:
        pairs = pd.DataFrame()
    else:
        pairs = link([pd.DataFrame(model_rows(rows))], [], threshold=threshold).pairs
    existing = {
        (c.person_a_id, c.person_b_id): c for c in DuplicateCandidate.objects.all().iterator()
    }
    new = updated = skipped = 0
    with transaction.atomic():
        for _, row in pairs.iterrows():
            a, b = sorted((int(row["id_l"]), int(row["id_r"])))
            candidate = existing.get((a, b))
            if candidate is None:
                DuplicateCandidate.objects.create(
                    person_a_id=a, person_b_id=b, probability=float(row["probability"]),
                    evidence=_evidence(row),
                )  # fmt: skip
                new += 1
            elif candidate.status == CandidateStatus.OPEN:
                candidate.probability = float(row["probability"])
                candidate.evidence = _evidence(row)
                candidate.save(update_fields=["probability", "evidence"])
                updated += 1
            else:
                skipped += 1
        counts = ScanCounts(persons=len(rows), new=new, updated=updated, skipped=skipped)
        record_event(
            AuditAction.DUPLICATES_SCANNED,
            actor=actor,
            payload={"persons": counts.persons, "new": new, "updated": updated},
        )
    return counts


def scan_scope(*, actor: User, threshold: float = DEFAULT_THRESHOLD) -> ScanCounts:
    """A supervisor's scan of their own scope: the persons with a case at an agency they
    supervise, compared with each other (never with persons outside it, so every pair found
    is one they may review). Synchronous: a node's scope is small enough.

    Effects: as `scan_registry`, the `dedup.scanned` event naming the supervisor as actor.
    Raises `ScanRefused` for a user who supervises no agency.
    """
    scope = rules.supervisor_case_filter(actor)
    if scope is None:
        raise ScanRefused(_("Only a supervisor can scan for duplicates."))
    return scan_registry(threshold=threshold, actor=actor, cases=scope)
