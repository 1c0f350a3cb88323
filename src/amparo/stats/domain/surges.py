"""Surge detection on monthly series: EARS C2, the record month, and year to date passing the
whole previous year (the rule that mattered in Mexico in May 2021).

EARS C2 (CDC Early Aberration Reporting System, Hutwagner et al. 2003) compares a month with
the mean and standard deviation of the 7 months ending 3 months before it (a 2-month guard
band, so a rise that builds over two months does not hide itself); a month more than 3
standard deviations above is flagged. With gaps in a public series, at least 3 of the 7
baseline months must be known.

With differential privacy on, the node's own series are the monthly totals its noisy release
published (`queries.published_view`), never exact counts: `noisy_method` and `noisy_flag` say
so in the JSON and in each explanation (and so in the e-mails).
"""

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from amparo.stats.domain.privacy import PrivacyNote, figure
from amparo.stats.enums import SurgeKind

METHOD = (
    "EARS C2 (7-month baseline ending 3 months before, threshold 3 SD); record month "
    "(at least 3 earlier months); year to date passing the previous year's total"
)
Month = tuple[int, int]


@dataclass(frozen=True)
class Flag:
    period: str
    kind: str
    value: int | None
    baseline: float | None
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def noisy_method(note: PrivacyNote, table_id: str) -> str:
    """`METHOD`, saying it ran on the noisy monthly totals of a release with differential
    privacy (the month margins of `table_id`), not on exact counts."""
    return (
        f"{METHOD}; on the monthly totals published with differential privacy "
        f"({note.mechanism}, epsilon {figure(note.epsilon)}: the month margins of "
        f"{table_id}), not on exact counts"
    )


def noisy_flag(flag: Flag, note: PrivacyNote) -> Flag:
    """The flag with its explanation saying its figures carry noise."""
    words = _(
        "These are monthly totals published with differential privacy (epsilon %(epsilon)s): "
        "each carries random noise."
    ) % {"epsilon": figure(note.epsilon)}
    explanation = f"{flag.explanation} {words}"
    return Flag(flag.period, flag.kind, flag.value, flag.baseline, explanation)


@dataclass(frozen=True)
class MonthlyView:
    """Monthly values, cumulative year-to-date figures and full-year totals of one series."""

    months: Mapping[Month, int]
    cumulative: Mapping[Month, int]  # Jan..month of one year, published as one figure
    years: Mapping[int, int]


def _label(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _minus(month: Month, count: int) -> Month:
    index = month[0] * 12 + month[1] - 1 - count
    return index // 12, index % 12 + 1


def _n(value: float) -> str:
    return f"{round(value):,}"


def detect(view: MonthlyView, *, minimum: int = 0) -> list[Flag]:
    """Every flag, in period order. Values under `minimum` are never flagged (small cells)."""
    flags = [*_ears_c2(view), *_records(view), *_year_to_date(view)]
    flags = [f for f in flags if f.value is not None and f.value >= minimum]
    return sorted(flags, key=lambda f: (f.period, f.kind))


def _ears_c2(view: MonthlyView) -> list[Flag]:
    flags = []
    for month, value in sorted(view.months.items()):
        base = [view.months[m] for m in (_minus(month, lag) for lag in range(3, 10))
                if m in view.months]  # fmt: skip
        if len(base) < 3:
            continue
        mean, sd = statistics.fmean(base), max(statistics.stdev(base), 1.0)
        score = (value - mean) / sd
        if score > 3:
            flags.append(Flag(_label(month), SurgeKind.EARS_C2, value, round(mean, 1), _(
                "%(value)s is %(score).1f standard deviations above the mean of %(mean)s "
                "for the 7 months ending 3 months before."
            ) % {"value": _n(value), "score": score, "mean": _n(mean)}))  # fmt: skip
    return flags


def _records(view: MonthlyView) -> list[Flag]:
    flags: list[Flag] = []
    seen: list[tuple[Month, int]] = []
    for month, value in sorted(view.months.items()):
        if len(seen) >= 3 and value > max(v for _m, v in seen):
            (year, number), previous = max(seen, key=lambda item: item[1])
            words = {"value": _n(value), "previous": _n(previous), "month": MONTHS[number],
                     "year": year}  # fmt: skip
            explanation = (
                _(
                    "%(value)s is the highest month on record, above %(previous)s in "
                    "%(month)s %(year)s."
                )
                % words
            )
            flags.append(Flag(_label(month), SurgeKind.RECORD_MONTH, value, previous, explanation))
        seen.append((month, value))
    return flags


def year_to_date(view: MonthlyView, month: Month) -> int | None:
    """January to `month` of one year: a published cumulative figure plus known months after it,
    or the sum of the months when all are known."""
    year, last = month
    for start in range(last, -1, -1):  # the longest published cumulative first
        head = 0 if start == 0 else view.cumulative.get((year, start))
        if head is None:
            continue
        rest = [view.months.get((year, m)) for m in range(start + 1, last + 1)]
        if all(v is not None for v in rest):
            return head + sum(v for v in rest if v is not None)
    return None


def _year_to_date(view: MonthlyView) -> list[Flag]:
    flags = []
    years = sorted({m[0] for m in [*view.months, *view.cumulative]})
    for year in years:
        previous = view.years.get(year - 1)
        if previous is None:
            continue
        for last in range(1, 13):
            total = year_to_date(view, (year, last))
            if total is not None and total > previous:
                words = {"month": MONTHS[last], "year": year, "value": _n(total),
                         "previous_year": year - 1, "previous": _n(previous)}  # fmt: skip
                explanation = (
                    _(
                        "January to %(month)s %(year)s (%(value)s) already passed the whole of "
                        "%(previous_year)s (%(previous)s)."
                    )
                    % words
                )
                period = _label((year, last))
                flags.append(Flag(period, SurgeKind.YEAR_TO_DATE, total, previous, explanation))
                break
    return flags
