"""Optional differential privacy of published counts, through OpenDP (docs/decisions/0018).

Off by default: suppression alone (`suppression.py`) publishes every release. When a deployment
sets `AMPARO_STATS_DP_EPSILON` (spent by each new release) and `AMPARO_STATS_DP_BUDGET` (the
total of each ledger), every new release is published with noise instead, and spends.

What one release spends (its epsilon, split across its queries):

- A *query* is one histogram over a partition of the counted records: the cells of one table
  (each record falls in exactly one cell), its row margins, its column margins, its grand
  total. The cells of one query are disjoint, so the query costs its share once whatever the
  number of cells (parallel composition).
- Every query of the release reads the same records again (margins, totals, every other
  table), so the release spends the sum of its queries (sequential composition): each of the
  Q queries gets epsilon / Q. A margin shown by two tables of the release (the country margin
  of screenings by month and of screenings by urgency) is one query, drawn once, shown twice.
- Sensitivity: one record changes a histogram of records by 1 (L1). A table by profile counts
  (record, profile) pairs, and one record carries at most `MAX_PROFILES_PER_RECORD` profiles
  (every served profile plus `other`), so those queries have that sensitivity: nothing is
  clamped, the counts are the same as without privacy.
- The noise is OpenDP's `make_laplace` over vectors of 64-bit integers (a discrete Laplace,
  sampled exactly by OpenDP); `binary_search_param` finds the scale for which OpenDP's own
  privacy map stays within the query's share.
- Post-processing (free under differential privacy): a negative noisy count is published as 0,
  and a noisy count between 1 and k-1 is suppressed, so no published figure is ever 1..k-1.
  No secondary suppression: every cell and margin carries its own noise, so no figure can be
  worked out exactly from the others, and the guarantee covers anything computed from them.

The unit of privacy is the record counted (a screening, a case, a referral, a certificate, a
trained staff member). A person behind m records of the release is protected at m x epsilon.

The noise is drawn once per release and kept (`PrivateRelease`): loading the same page again
returns the same figures and spends nothing, since fresh noise on every load would let anyone
average it away. A release is named by its scope, filters, tables, k, epsilon and *edition*
(the extract it counts from, or the day when counting the live tables), never by the counts:
if a change in the data made a new release, whether the figures changed would tell, exactly
and without noise, that someone was added to the filtered group. Each new release is charged
to the ledgers of its scope (every agency, every country, or the region): a record is thus
charged in its agency's, its country's and the region's ledger, at most three times the budget
in all. Once a ledger cannot pay, new releases of that scope are refused; the releases already
made are still served.
"""

import datetime as dt
import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import opendp.prelude as dp
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.referrals.enums import ServedProfile
from amparo.stats.domain.scope import Scope
from amparo.stats.domain.suppression import Grid, Key
from amparo.stats.enums import StatsAuditAction
from amparo.stats.models import PrivacyLedger, PrivateRelease

dp.enable_features("contrib")  # OpenDP's measurements, as its documentation requires

MECHANISM = "discrete_laplace"
RECORDS, PAIRS = "records", "pairs"  # what a table counts (a table by profile: pairs)
# Every served profile plus `other` (unknown codes all map to `other`; `none` stands alone).
MAX_PROFILES_PER_RECORD = len(ServedProfile.values) + 1
_MAX_SETTING = Decimal(10) ** 6  # the ledger's decimal field holds 6 digits before the point
EPSILON_SETTING, BUDGET_SETTING = "AMPARO_STATS_DP_EPSILON", "AMPARO_STATS_DP_BUDGET"


@dataclass(frozen=True)
class PrivacyConfig:
    epsilon: Decimal  # spent by each new release
    budget: Decimal  # total of each ledger


def figure(value: Decimal) -> str:
    """An epsilon as people write it: 10, 0.5 (never 1E+1 nor 0.500000)."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class PrivacyNote:
    """What a page, a download or the CLI says about a release published with noise."""

    mechanism: str
    epsilon: Decimal  # spent by this release
    budget_spent: Decimal  # spent so far in the most spent ledger of the scope
    budget_total: Decimal
    published_at: dt.datetime

    @property
    def figures(self) -> dict[str, str]:
        """Epsilon, spent and total as the page writes them (0.5, 10)."""
        return {
            "epsilon": figure(self.epsilon),
            "spent": figure(self.budget_spent),
            "total": figure(self.budget_total),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "epsilon": float(self.epsilon),
            "budget_spent": float(self.budget_spent),
            "budget_total": float(self.budget_total),
        }


class PrivacyBudgetSpent(ValidationError):
    """A new release refused: a ledger of its scope cannot pay its epsilon."""


def _positive(name: str, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a number: give a positive decimal such as 0.5."
        ) from None
    if not value.is_finite() or value <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r} must be a positive number.")
    if value >= _MAX_SETTING or value != value.quantize(Decimal("0.000001")):
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be below {_MAX_SETTING} with at most 6 decimals."
        )
    return value


def privacy_config() -> PrivacyConfig | None:
    """The deployment's privacy settings, or None when differential privacy is off.

    Refuses (ImproperlyConfigured naming the variable) a value that is not a positive number,
    one setting without the other, and an epsilon larger than the budget.
    """
    raw_epsilon = str(getattr(settings, EPSILON_SETTING, "") or "").strip()
    raw_budget = str(getattr(settings, BUDGET_SETTING, "") or "").strip()
    if not raw_epsilon and not raw_budget:
        return None
    if not raw_epsilon or not raw_budget:
        raise ImproperlyConfigured(
            f"{EPSILON_SETTING} and {BUDGET_SETTING} go together: set both to publish "
            "statistics with differential privacy, or neither."
        )
    epsilon, budget = _positive(EPSILON_SETTING, raw_epsilon), _positive(BUDGET_SETTING, raw_budget)
    if epsilon > budget:
        raise ImproperlyConfigured(
            f"{EPSILON_SETTING}={raw_epsilon} is more than {BUDGET_SETTING}={raw_budget}: "
            "not even one release could be published."
        )
    return PrivacyConfig(epsilon, budget)


def ledger_names(scope: Scope) -> list[str]:
    """The ledgers a release of this scope is charged to (the scope's facts, `facts._scoped`)."""
    if scope.agencies:
        return sorted(f"agency:{agency}" for agency in scope.agencies)
    if scope.countries:
        return sorted(f"country:{country}" for country in scope.countries)
    return ["region"]


def content_key(
    scope: Scope,
    filters: dict[str, str],
    tables: Sequence[str],
    edition: str,
    k: int,
    config: PrivacyConfig,
) -> str:
    """What names a release: everything it is asked for, and its edition; never the counts.

    A digest (HMAC under the secret key, a fixed length for the unique index).
    """
    content = repr(
        (
            scope.kind,
            sorted(scope.agencies),
            sorted(scope.countries),
            sorted(filters.items()),
            list(tables),
            edition,
            k,
            str(config.epsilon),
        )
    )
    secret = str(settings.SECRET_KEY).encode()
    return hmac.new(secret, content.encode(), hashlib.sha256).hexdigest()


def _query_of(key: Key) -> tuple[str, ...]:
    """The query a grid key belongs to: its measure, unit and dimensions, without the values.

    Keys are `tables._Layout`'s: (measure, unit, dim, value[, dim, value]) or (measure, unit,
    "total").
    """
    parts = plain(key)
    return (*parts[:2], *parts[2::2])


def sensitivity(query: tuple[str, ...]) -> int:
    return MAX_PROFILES_PER_RECORD if query[1] == PAIRS else 1


def queries(grid: Grid) -> dict[tuple[str, ...], list[Key]]:
    """The release's queries, each with its keys in a stable order."""
    found: dict[tuple[str, ...], list[Key]] = defaultdict(list)
    for key in sorted(grid.values, key=plain):
        found[_query_of(key)].append(key)
    return dict(found)


@lru_cache(maxsize=64)
def _laplace(query_sensitivity: int, epsilon: float) -> dp.Measurement:
    """OpenDP's discrete Laplace on integer vectors, at the scale that spends `epsilon`."""
    space = dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64")
    scale = dp.binary_search_param(
        lambda s: dp.m.make_laplace(*space, scale=s), d_in=query_sensitivity, d_out=epsilon
    )
    return dp.m.make_laplace(*space, scale=scale)


def noisy_values(grid: Grid, epsilon: Decimal) -> dict[Key, int]:
    """Every value of the grid with OpenDP's noise, the release spending at most `epsilon`."""
    found = queries(grid)
    share = float(epsilon) / len(found)
    noisy: dict[Key, int] = {}
    for query, keys in found.items():
        d_in = sensitivity(query)
        measurement = _laplace(d_in, share)
        if measurement.map(d_in) > share:  # OpenDP's own accounting, checked, never assumed
            raise RuntimeError(f"OpenDP spends more than {share} on {query}")
        drawn = measurement([grid.values[key] for key in keys])
        noisy.update(zip(keys, (int(value) for value in drawn), strict=True))
    return noisy


def published_value(noisy: int, k: int) -> int | None:
    """Post-processing: negatives become 0; 1..k-1 is suppressed (None)."""
    value = max(0, noisy)
    return None if 0 < value < k else value


def plain(key: Key) -> tuple[str, ...]:
    """A grid key as plain strings (codes may be enum members, which hash by their name)."""
    assert isinstance(key, tuple)
    return tuple(str(part) for part in key)


def _encode(key: Key) -> str:
    return json.dumps(list(plain(key)), ensure_ascii=False)


def _decode(values: dict[str, int | None]) -> dict[tuple[str, ...], int | None]:
    return {tuple(json.loads(name)): value for name, value in values.items()}


@dataclass(frozen=True)
class PrivateFigures:
    """A published release: each table's rows and columns, its values by `plain` key."""

    tables: list[dict[str, Any]]  # [{"id", "rows", "columns"}] in release order
    values: dict[tuple[str, ...], int | None]
    note: PrivacyNote


def publish_privately(
    scope: Scope,
    filters: dict[str, str],
    edition: str,
    tables: list[dict[str, Any]],
    grid: Grid,
    *,
    k: int,
    config: PrivacyConfig,
    actor: User | None,
) -> PrivateFigures:
    """The figures of this release: stored ones, or new ones drawn from `grid` (the counts laid
    out as `tables` says).

    Effects: when the release was never published, charges `config.epsilon` to every ledger
    of the scope (refusing with PrivacyBudgetSpent when one cannot pay), draws the noise, stores
    the published values and writes a `stats.private_release_published` audit event, in one
    transaction with the ledgers locked; otherwise reads only. A stored release is returned as
    it was published, even when the counts have moved since (same edition).
    """
    key = content_key(scope, filters, [t["id"] for t in tables], edition, k, config)
    names = ledger_names(scope)
    release = PrivateRelease.objects.filter(content_key=key).first()
    if release is None:
        release = _spend(
            key, scope, filters, edition, tables, grid, k=k, config=config, actor=actor
        )
    spent = PrivacyLedger.objects.filter(name__in=names).values_list("spent", flat=True)
    note = PrivacyNote(
        mechanism=release.mechanism,
        epsilon=release.epsilon,
        budget_spent=max(spent, default=Decimal(0)),
        budget_total=config.budget,
        published_at=release.created_at,
    )
    return PrivateFigures(release.tables, _decode(release.values), note)


@transaction.atomic
def _spend(
    key: str,
    scope: Scope,
    filters: dict[str, str],
    edition: str,
    tables: list[dict[str, Any]],
    grid: Grid,
    *,
    k: int,
    config: PrivacyConfig,
    actor: User | None,
) -> PrivateRelease:
    names = ledger_names(scope)
    for name in names:
        PrivacyLedger.objects.get_or_create(name=name)
    # Locked in name order, so two releases of overlapping scopes cannot deadlock.
    ledgers = list(
        PrivacyLedger.objects.select_for_update().filter(name__in=names).order_by("name")
    )
    made_meanwhile = PrivateRelease.objects.filter(content_key=key).first()
    if made_meanwhile is not None:
        return made_meanwhile
    short = [ledger for ledger in ledgers if ledger.spent + config.epsilon > config.budget]
    if short:
        raise PrivacyBudgetSpent(
            _(
                "The privacy budget of these statistics is spent (%(spent)s of %(total)s): "
                "no new figures can be published for this scope. Figures already published "
                "are still shown."
            )
            % {
                "spent": figure(max(ledger.spent for ledger in short)),
                "total": figure(config.budget),
            },
            code="privacy_budget_spent",
        )
    values = {name: published_value(v, k) for name, v in noisy_values(grid, config.epsilon).items()}
    release = PrivateRelease.objects.create(
        content_key=key,
        scope_kind=scope.kind,
        scope_members=sorted(str(m) for m in (*scope.agencies, *scope.countries)),
        filters=filters,
        edition=edition,
        tables=tables,
        values={_encode(name): value for name, value in values.items()},
        k=k,
        mechanism=MECHANISM,
        epsilon=config.epsilon,
        ledgers=names,
    )
    for ledger in ledgers:
        ledger.spent += config.epsilon
        ledger.save(update_fields=["spent", "updated_at"])
    used = {name: value for name, value in filters.items() if value}
    record_event(
        StatsAuditAction.PRIVATE_RELEASE_PUBLISHED,
        actor=actor,
        subject=release,
        payload={
            "scope": scope.kind,
            "edition": edition,
            "ledgers": names,
            "epsilon": str(config.epsilon),
            "queries": len(queries(grid)),
            "tables": [t["id"] for t in tables],
            **used,
        },
    )
    return release
