"""The review queue of likely duplicates, scoped exactly like its pages (same gate, same
domain functions)."""

from ninja import Router, Schema, Status

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.api.schemas import ErrorOut
from amparo.dedup.domain import merge as decisions
from amparo.dedup.domain.queries import get_candidate_for
from amparo.dedup.domain.review import list_candidates, read_candidate
from amparo.dedup.models import DuplicateCandidate

router = Router(tags=["duplicates"])

_ACTIONS = {
    "propose": decisions.propose_merge,
    "not-same": decisions.mark_not_same,
    "approve": decisions.approve_merge,
    "unmerge": decisions.unmerge_persons,
}


class EvidenceOut(Schema):
    comparison: str
    level: int
    field: str
    finding: str
    weight: float
    meaning: str


class PairOut(Schema):
    id: int
    person_a: int
    person_b: int
    probability: float
    status: str


class PairDetailOut(PairOut):
    cases: dict[int, list[str]]  # person id -> references of the cases the caller sees
    evidence: list[EvidenceOut]
    merged_into: int | None


def _pair_out(candidate: DuplicateCandidate) -> PairOut:
    return PairOut(
        id=candidate.pk,
        person_a=candidate.person_a_id,
        person_b=candidate.person_b_id,
        probability=candidate.probability,
        status=candidate.status,
    )


@router.get("/duplicates", response=list[PairOut])
def duplicates(request: AuthenticatedHttpRequest, status: str = "") -> list[PairOut]:
    return [_pair_out(c) for c in list_candidates(request.user, status=status)]


@router.get("/duplicates/{candidate_id}", response={200: PairDetailOut, 404: ErrorOut})
def duplicate(request: AuthenticatedHttpRequest, candidate_id: int) -> PairDetailOut:
    page = read_candidate(request.user, candidate_id)
    return PairDetailOut(
        **_pair_out(page.candidate).dict(),
        cases={pk: [c.reference for c in cases] for pk, cases in page.cases.items()},
        evidence=[
            EvidenceOut(
                comparison=line.comparison,
                level=line.level,
                field=str(line.field),
                finding=str(line.finding),
                weight=line.weight,
                meaning=str(line.direction),
            )
            for line in page.evidence
        ],
        merged_into=page.merged_into,
    )


@router.post(
    "/duplicates/{candidate_id}/{action}",
    response={200: PairOut, 404: ErrorOut, 409: ErrorOut},
)
def decide(
    request: AuthenticatedHttpRequest, candidate_id: int, action: str
) -> PairOut | Status[ErrorOut]:
    """propose, not-same, approve or unmerge; 409 naming why when refused."""
    candidate = get_candidate_for(request.user, candidate_id)
    if action not in _ACTIONS:
        return Status(404, ErrorOut(detail="unknown action"))
    try:
        _ACTIONS[action](candidate, actor=request.user)
    except decisions.DedupError as error:
        return Status(409, ErrorOut(detail=str(error)))
    candidate.refresh_from_db()
    return _pair_out(candidate)
