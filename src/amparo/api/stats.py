"""Statistics endpoints, mounted at /api/stats: the dashboard's published tables and the
surge flags, through the same gate (`stats.domain.scope.get_scope_for`), filters and domain
reads as the pages.

A supervisor reads her agency, a national focal point his country, the regional analyst the
region; anyone else gets 404, the same answer as for a table that does not exist. Every value
is already suppressed (`value` null where suppressed), exactly as the dashboard shows it. With
differential privacy on, the figures are the release's noisy ones and each table (and the
release) carries `privacy`, as `amparo stats table` prints it; without it, no such key.
"""

from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.stats.domain.downloads import record_download
from amparo.stats.domain.queries import OWN_SERIES, get_series, surges_for
from amparo.stats.domain.scope import AGENCY, Scope, get_scope_for, scopes_for
from amparo.stats.domain.tables import DASHBOARD, Release, build_release
from amparo.stats.interfaces.forms import read_filters
from amparo.stats.routers import is_regional_node

router = Router(tags=["statistics"])


class FiltersIn(Schema):
    scope: str = Field("", description="agency, country or region; default: the broadest held.")
    start: str = Field("", description="First month, YYYY-MM (inclusive).")
    end: str = Field("", description="Last month, YYYY-MM (inclusive).")
    country: str = Field("", description="Country code, e.g. MX.")
    profile: str = Field("", description="Profile code.")
    sex: str = Field("", description="Sex code.")
    age_band: str = Field("", description="0-11, 12-17, 18-59, 60+ or unknown.")


class CellOut(Schema):
    value: int | None = Field(description="Null where suppressed.")
    suppressed: bool


class PrivacyOut(Schema):
    """How a release published with differential privacy was drawn, and what it spent."""

    mechanism: str = Field(description="The noise added to every figure: discrete_laplace.")
    epsilon: float = Field(description="The privacy cost of this release.")
    budget_spent: float = Field(description="Spent so far by the most spent ledger of the scope.")
    budget_total: float = Field(description="The total budget of each ledger.")


class TableOut(Schema):
    """The shape `amparo stats table --format json` prints: each cell and margin carries its
    dimension codes, `value` (null where suppressed) and `suppressed`; `privacy` only when the
    deployment publishes with differential privacy (absent otherwise)."""

    k: int
    cells: list[dict[str, Any]]
    row_totals: list[dict[str, Any]]
    column_totals: list[dict[str, Any]]
    total: CellOut
    privacy: PrivacyOut | None = Field(
        None, description="Only with differential privacy: absent when figures are suppressed."
    )


class ReleaseTableOut(TableOut):
    id: str
    measure: str
    by: list[str]


class ReleaseOut(Schema):
    k: int
    scope: str
    tables: list[ReleaseTableOut]
    privacy: PrivacyOut | None = Field(
        None, description="Only with differential privacy: the whole release's cost and budget."
    )


class FlagOut(Schema):
    period: str
    kind: str
    value: int | None
    baseline: float | None
    explanation: str


class SurgesOut(Schema):
    series: str
    method: str
    flags: list[FlagOut]


def _release(request: AuthenticatedHttpRequest, query: FiltersIn) -> tuple[Scope, Release]:
    """The gate first (404 without a statistics scope), then the filters (422 naming each)."""
    scopes = scopes_for(request.user)
    if not scopes or is_regional_node():
        raise Http404
    kind, filters = read_filters(query.dict(), scopes=list(scopes))
    scope = get_scope_for(request.user, kind)
    return scope, build_release(scope, filters)


# exclude_unset: a release without differential privacy has no `privacy` key at all (not a
# null), so the JSON stays exactly the contract `amparo stats table` prints.
@router.get("/tables", response=ReleaseOut, exclude_unset=True)
def tables(request: AuthenticatedHttpRequest, query: Query[FiltersIn]) -> dict[str, Any]:
    """Every table of the dashboard as one release (suppressed together)."""
    scope, release = _release(request, query)
    ids = [t.spec.id for t in release.tables]
    record_download(
        actor=request.user, scope=scope, filters=release.filters, fmt="json", tables=ids
    )
    published: dict[str, Any] = {
        "k": release.k,
        "scope": scope.kind,
        "tables": [
            {"id": t.spec.id, "measure": t.spec.measure, "by": list(t.spec.by), **t.to_json()}
            for t in release.tables
        ],
    }
    if release.privacy is not None:
        published["privacy"] = release.privacy.to_json()
    return published


@router.get("/tables/{table_id}", response=TableOut, exclude_unset=True)
def table(
    request: AuthenticatedHttpRequest, table_id: str, query: Query[FiltersIn]
) -> dict[str, Any]:
    """One table of the dashboard, exactly as the page and its CSV show it."""
    if table_id not in {spec.id for spec in DASHBOARD}:
        raise Http404
    scope, release = _release(request, query)
    record_download(
        actor=request.user, scope=scope, filters=release.filters, fmt="json", tables=[table_id]
    )
    return release.table(table_id).to_json()


@router.get("/surges/{series}", response=SurgesOut)
def surges(request: AuthenticatedHttpRequest, series: str) -> dict[str, object]:
    """Surge flags of a public series or of this node's own counts (`node-screenings`,
    `node-referrals`, counted in the caller's country or the region): for focal points and
    the regional analyst, as on their dashboards. With differential privacy on, the node's
    own flags are read from its published noisy monthly totals (`method` says so); a release
    that would be new once the budget is spent is a 422."""
    scopes = scopes_for(request.user)
    if is_regional_node() or not scopes or list(scopes) == [AGENCY]:
        raise Http404
    scope = get_scope_for(request.user, None)
    if series not in OWN_SERIES:
        get_series(series)  # 404 for an unknown series
    return surges_for(series, scope, actor=request.user)
