"""Search before create: likely matches for a person about to be registered, with reasons.

Names are encrypted, so candidates are found through blind-indexed blocking keys (pairs of
name words by sound and by the start of their sound, from `amparo.lib.names`, the same
normalisation as the batch linkage model; document numbers; phones), ranked in the database
(a shared document, a phone, then the rarest name keys; keys too common to single anyone
out are skipped), and only the best-ranked candidates are decrypted and scored. The search
covers the cases the user may see, nothing else.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, FloatField, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rapidfuzz import fuzz

from amparo.accounts.models import User
from amparo.lib.names import comparable, name_keys
from amparo.lib.text import normalise_document, normalise_phone
from amparo.people.domain.queries import cases_visible_to
from amparo.people.enums import IdentifierKind
from amparo.people.models import Case, Person, PersonIdentifier
from amparo.protection import crypto
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

MIN_SCORE = 60
CANDIDATES = 40  # persons decrypted and scored per check, the best-ranked by shared keys
# A name key held by more persons than this is skipped (see _name_key_weights): at a million
# persons the commonest pairs of name words are held by thousands (bench/RESULTS.md).
MAX_KEY_PERSONS = 1000


@dataclass(frozen=True)
class PersonQuery:
    given_names: str = ""
    first_surname: str = ""
    second_surname: str = ""
    birth_year: int | None = None
    document_number: str = ""
    phone: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.given_names, self.first_surname, self.second_surname] if p)


@dataclass
class Match:
    case: Case
    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)


def _digests(query: PersonQuery) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {
        IdentifierKind.NAME_KEY: {
            crypto.blind_index(k, purpose=IdentifierKind.NAME_KEY)
            for k in name_keys(query.full_name)
        }
    }
    if normalise_document(query.document_number):
        found[IdentifierKind.DOCUMENT] = {
            crypto.blind_index(
                normalise_document(query.document_number), purpose=IdentifierKind.DOCUMENT
            )
        }
    if normalise_phone(query.phone):
        found[IdentifierKind.PHONE] = {
            crypto.blind_index(normalise_phone(query.phone), purpose=IdentifierKind.PHONE)
        }
    return found


def _name_key_weights(digests: set[str]) -> dict[str, float]:
    """The weight of each of the query's name keys by how rare it is in the registry
    (log(1e7 / persons holding it)); keys held by more than MAX_KEY_PERSONS are left out,
    except the two rarest, so that a common name still finds someone. One index-only count.
    """
    counts = dict(
        PersonIdentifier.objects.filter(kind=IdentifierKind.NAME_KEY, digest__in=digests)
        .values("digest")
        .annotate(persons=Count("*"))
        .values_list("digest", "persons")
    )
    rarest = sorted(counts, key=lambda digest: (counts[digest], digest))
    kept = [d for d in rarest if counts[d] <= MAX_KEY_PERSONS] or rarest[:2]
    return {digest: math.log(1e7 / counts[digest]) for digest in kept}


def _candidates(visible: QuerySet[Case], query: PersonQuery) -> dict[int, set[str]]:
    """Person ids in the user's scope sharing keys with the query, with the kinds of keys
    they share: the CANDIDATES that share a document, a phone, then the rarest name keys.

    Ranking in the database before decrypting keeps the check fast on a large registry:
    only these few persons are decrypted and scored. The name keys shared by very many
    persons (a common first name with a common surname) are skipped: they cannot single
    anyone out, and would make the ranking read thousands of rows.
    """
    found = _digests(query)
    weights = _name_key_weights(found.pop(IdentifierKind.NAME_KEY))
    wanted = Q(kind=IdentifierKind.NAME_KEY, digest__in=weights) if weights else Q()
    for kind, digests in found.items():
        wanted |= Q(kind=kind, digest__in=digests)
    if not wanted:
        return {}
    score = DbCase(
        *(When(digest=digest, then=Value(weight)) for digest, weight in weights.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    ranked = (
        PersonIdentifier.objects.filter(wanted)
        # per row, through the case's person index: an IN over every case in scope would
        # be materialised whole at each check (a million rows for a big agency's supervisor)
        .filter(Exists(visible.filter(person_id=OuterRef("person_id"))))
        .values("person_id")
        .annotate(
            shared=Sum(score),
            document=Count("kind", filter=Q(kind=IdentifierKind.DOCUMENT)),
            phone=Count("kind", filter=Q(kind=IdentifierKind.PHONE)),
        )
        .order_by("-document", "-phone", "-shared", "person_id")[:CANDIDATES]
    )
    shared: dict[int, set[str]] = {}
    for row in ranked:
        kinds = shared.setdefault(row["person_id"], {IdentifierKind.NAME_KEY})
        if row["document"]:
            kinds.add(IdentifierKind.DOCUMENT)
        if row["phone"]:
            kinds.add(IdentifierKind.PHONE)
    return shared


def _score(query: PersonQuery, person: Person, kinds: set[str]) -> tuple[int, list[str], float]:
    """The score shown (0-100), its reasons, and the weight of all the evidence together.

    The score is the strongest single sign; the weight adds them up (a shared document, a
    shared phone, the same birth year, the name's similarity) and orders matches of equal
    score, so that among many persons of a common name the one who also shares the document
    or the phone comes first."""
    reasons: list[str] = []
    score = 0
    weight = 4.0 * (IdentifierKind.DOCUMENT in kinds) + 2.0 * (IdentifierKind.PHONE in kinds)
    if IdentifierKind.DOCUMENT in kinds:
        score = 100
        reasons.append(_("Same identity document number."))
    if IdentifierKind.PHONE in kinds:
        score = max(score, 70)
        reasons.append(_("Same phone number."))
    if query.full_name and person.full_name:
        ordered = fuzz.ratio(comparable(query.full_name), comparable(person.full_name))
        any_order = fuzz.token_set_ratio(comparable(query.full_name), comparable(person.full_name))
        similarity = int(max(ordered, any_order))
        score = max(score, similarity)
        weight += (ordered + any_order) / 200
        if similarity >= MIN_SCORE:
            reasons.append(_("Name %(percent)s%% similar.") % {"percent": similarity})
        if any_order > ordered + 10:
            reasons.append(_("The same names in another order, or with a surname missing."))
    if query.birth_year and person.birth_year:
        gap = abs(query.birth_year - person.birth_year)
        weight += 1.0 if gap == 0 else 0.5 if gap <= 2 else 0.0
        if gap == 0:
            reasons.append(_("Same birth year."))
        elif gap <= 2:
            reasons.append(
                ngettext(
                    "Birth year within %(years)s year.", "Birth year within %(years)s years.", gap
                )
                % {"years": gap}
            )
        else:
            score -= 15
    return score, reasons, weight


def search_persons(user: User, query: PersonQuery, *, limit: int = 10) -> list[Match]:
    """Likely matches for a person about to be registered, best first, each with reasons.

    Effects: a `persons.searched` audit event with the number of matches (no search terms).
    """
    visible = cases_visible_to(user)  # the user's memberships read once
    shared = _candidates(visible, query)
    cases = visible.filter(person_id__in=shared.keys()).order_by("-opened_at")
    matches: dict[int, Match] = {}
    weights: dict[int, float] = {}
    for case in cases:
        if case.person_id in matches:
            continue
        score, reasons, weight = _score(query, case.person, shared[case.person_id])
        if score >= MIN_SCORE:
            matches[case.person_id] = Match(
                case=case, person=case.person, score=score, reasons=reasons
            )
            weights[case.person_id] = weight
    ordered = sorted(matches.values(), key=lambda m: (-m.score, -weights[m.person.pk]))
    ranked = ordered[:limit]
    record_event(AuditAction.PERSONS_SEARCHED, actor=user, payload={"matches": len(ranked)})
    return ranked
