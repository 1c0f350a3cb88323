"""Named reads of the statistics module: series as monthly views, own monthly counts, flags."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from amparo.accounts.models import User
from amparo.stats.domain import analytics
from amparo.stats.domain.facts import facts_for
from amparo.stats.domain.privacy import PrivacyNote, figure, privacy_config
from amparo.stats.domain.scope import REGION, Scope
from amparo.stats.domain.series import is_month, latest_points
from amparo.stats.domain.surges import METHOD, Flag, MonthlyView, detect, noisy_flag, noisy_method
from amparo.stats.domain.tables import (
    DASHBOARD,
    Filters,
    Release,
    TableSpec,
    build_release,
    stats_k,
)
from amparo.stats.enums import Dimension, Measure
from amparo.stats.models import ExternalSeries, ReceivedAggregate

OWN_SERIES = {"node-screenings": Measure.SCREENINGS, "node-referrals": Measure.REFERRALS}

# The dashboard counts no referrals by month: this one-table release publishes them (the same
# release as `amparo stats table --by month --measure referrals` for the region).
REFERRALS_BY_MONTH = TableSpec("referrals_by_month", Measure.REFERRALS, Dimension.MONTH)
# With differential privacy on, where each own series' monthly totals are published: the
# month margins of one table of one release, without filters. Screenings read the dashboard's
# own release (its screenings_by_month table), so the flags spend nothing once the dashboard
# was shown and agree with its table; referrals read their own one-table release.
PUBLISHED_MONTHLY: dict[str, tuple[tuple[TableSpec, ...], str]] = {
    "node-screenings": (DASHBOARD, "screenings_by_month"),
    "node-referrals": ((REFERRALS_BY_MONTH,), REFERRALS_BY_MONTH.id),
}


def all_series() -> QuerySet[ExternalSeries]:
    return ExternalSeries.objects.order_by("name")


def get_series(name: str) -> ExternalSeries:
    series = ExternalSeries.objects.filter(name=name).first()
    if series is None:
        raise Http404
    return series


def series_view(series: ExternalSeries) -> MonthlyView:
    """The latest vintage of each month, each January-to-month figure and each full year."""
    months, cumulative, years = {}, {}, {}
    for (start, end), point in latest_points(series).items():
        if is_month(start, end):
            months[(start.year, start.month)] = point.value
        elif start.month == 1 and start.day == 1 and start.year == end.year:
            cumulative[(end.year, end.month)] = point.value
            if end.month == 12 and end.day == 31:
                years[end.year] = point.value
    for year in {m[0] for m in months}:
        if year not in years and all((year, m) in months for m in range(1, 13)):
            years[year] = sum(months[(year, m)] for m in range(1, 13))
    return MonthlyView(months, cumulative, years)


def own_view(measure: str, scope: Scope) -> MonthlyView:
    """The node's own monthly counts (never published as such: only flags at or above k)."""
    extract = analytics.configured_extract()
    if extract is not None:
        with analytics.open_extract(extract) as con:
            counts = analytics.monthly_counts(con, measure, scope)
    else:
        counts = Counter(str(f["month"]) for f in facts_for(measure, scope))
    return MonthlyView({(int(m[:4]), int(m[5:])): v for m, v in counts.items()}, {}, {})


def published_view(
    name: str, scope: Scope, *, actor: User | None, shown: Release | None = None
) -> tuple[MonthlyView, PrivacyNote, str]:
    """An own series' monthly totals as published with differential privacy: the month
    margins of the stored noisy release (`PUBLISHED_MONTHLY`), never the exact counts.

    Reading them again is post-processing and spends nothing; when that release was never
    published, this publishes it (spending, audited, `actor` who asked), and is refused with
    `PrivacyBudgetSpent` once the budget is spent. A suppressed month (1..k-1) is unknown.
    Returns the view, the release's privacy note and the table read. `shown` is a release of
    this scope the caller has published already (the dashboard's): read when it is the one the
    flags need (no filters, the same tables), instead of counting it again.
    """
    specs, table_id = PUBLISHED_MONTHLY[name]
    release = shown
    if release is None or release.filters != Filters() or release.specs != tuple(specs):
        release = build_release(scope, Filters(), specs, actor=actor)
    assert release.privacy is not None  # only called with differential privacy on
    margins = release.table(table_id).row_totals
    months = {
        (int(month[:4]), int(month[5:])): cell.value
        for month, cell in margins.items()
        if cell.value is not None
    }
    return MonthlyView(months, {}, {}), release.privacy, table_id


def surges_for(
    name: str,
    scope: Scope | None = None,
    *,
    actor: User | None = None,
    shown: Release | None = None,
) -> dict[str, object]:
    """`{"series", "method", "flags"}` for an external series or the node's own counts.

    With differential privacy on, the node's own series are read from its published noisy
    monthly totals (`published_view`), and `method` and each explanation say so: exact monthly
    totals beside noisy tables would undo the guarantee. `shown`: see `published_view`.
    """
    method = METHOD
    if name in OWN_SERIES:
        scope = scope or Scope(REGION)
        if privacy_config() is None:
            view, note = own_view(OWN_SERIES[name], scope), None
        else:
            view, note, table_id = published_view(name, scope, actor=actor, shown=shown)
            method = noisy_method(note, table_id)
        flags = [_rounded(f) for f in detect(view, minimum=stats_k())]
        flags = [f for f in flags if f.baseline is None or f.baseline >= stats_k()]
        if note is not None:
            flags = [noisy_flag(f, note) for f in flags]
    else:
        flags = detect(series_view(get_series(name)))
    return {"series": name, "method": method, "flags": [f.to_json() for f in flags]}


def _rounded(flag: Flag) -> Flag:
    baseline = None if flag.baseline is None else float(round(flag.baseline))
    return Flag(flag.period, flag.kind, flag.value, baseline, flag.explanation)


def received_aggregates() -> QuerySet[ReceivedAggregate]:
    return ReceivedAggregate.objects.order_by("-period", "node", "-created_at")


def received_periods() -> list[str]:
    """The months a regional node has received aggregates for, newest first."""
    periods = ReceivedAggregate.objects.values_list("period", flat=True).distinct()
    return sorted(set(periods), reverse=True)


def latest_releases(period: str) -> list[ReceivedAggregate]:
    """The newest release of each national node for one month, by country."""
    latest: dict[str, ReceivedAggregate] = {}
    for release in ReceivedAggregate.objects.filter(period=period).order_by("-created_at"):
        latest.setdefault(release.node, release)
    return sorted(latest.values(), key=lambda r: (str(r.payload.get("country", "")), r.node))


@dataclass(frozen=True)
class SentPrivacy:
    """What a national node says of the differential privacy of a release it sent."""

    mechanism: str
    epsilon: str  # as people write it (0.5, 1); "" when the sender did not say
    budget_spent: str  # the sender's ledger when it exported; "" when not carried
    budget_total: str


def _sent_figure(value: object) -> str:
    """A number of the received JSON as people write it; "" for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return figure(Decimal(str(value)))


def sent_privacy(received: ReceivedAggregate) -> SentPrivacy | None:
    """The `privacy` key of a received release's tables (every table of one release carries
    the same), or None when its figures are suppressed only, without noise."""
    for table in received.payload.get("tables", []):
        note = table.get("privacy") if isinstance(table, dict) else None
        if isinstance(note, dict):
            return SentPrivacy(
                mechanism=str(note.get("mechanism", "")),
                epsilon=_sent_figure(note.get("epsilon")),
                budget_spent=_sent_figure(note.get("budget_spent")),
                budget_total=_sent_figure(note.get("budget_total")),
            )
    return None
