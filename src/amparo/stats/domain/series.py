"""External public series with vintages: import, derivation of missing months, monthly view.

A file is refused whole, naming the line and the column, when any row is wrong; nothing is
half-saved. A figure already stored for the same period and vintage is kept; a different value
for the same period and vintage is refused (figures are never overwritten).
"""

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.stats.enums import StatsAuditAction
from amparo.stats.models import ExternalSeries, SeriesPoint

_KNOWN = {"period_start", "period_end", "year", "month", "vintage", "basis", "source"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Row:
    start: dt.date
    end: dt.date
    value: int
    vintage: str
    basis: str
    source: str
    line: int


@dataclass(frozen=True)
class ImportReport:
    series: str
    added: int
    kept: int
    derived: int


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _fail(path: Path, line: int, column: str, message: str) -> ValidationError:
    return ValidationError(
        _("%(file)s, line %(line)s, column %(column)s: %(message)s")
        % {"file": path.name, "line": line, "column": column, "message": message}
    )


def _date(path: Path, line: int, column: str, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise _fail(path, line, column, _("expected a date YYYY-MM-DD")) from None


def _period(path: Path, line: int, record: dict[str, str]) -> tuple[dt.date, dt.date]:
    if "period_start" in record:
        start = _date(path, line, "period_start", record["period_start"])
        end = _date(path, line, "period_end", record.get("period_end") or "")
        if end < start:
            raise _fail(path, line, "period_end", _("the period ends before it starts"))
        return start, end
    if "month" in record:
        raw = record["month"].strip()
        if not _MONTH.match(raw):
            raise _fail(path, line, "month", _("expected a month YYYY-MM"))
        year, month = int(raw[:4]), int(raw[5:])
        return dt.date(year, month, 1), _month_end(year, month)
    raw = record["year"].strip()
    if not raw.isdigit() or len(raw) != 4:
        raise _fail(path, line, "year", _("expected a year YYYY"))
    return dt.date(int(raw), 1, 1), dt.date(int(raw), 12, 31)


def read_series_file(path: Path, *, vintage: str = "") -> tuple[str, list[Row]]:
    """The value column and the rows of a series file, or a ValidationError naming the line."""
    if path.stat().st_size > _MAX_BYTES:
        raise _fail(path, 1, "-", _("the file is larger than 5 MB"))
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        value_column = _value_column(path, header, vintage)
        rows = [
            _row(path, line, record, value_column, vintage) for line, record in _records(reader)
        ]
    if not rows:
        raise _fail(path, 2, "-", _("the file has no rows"))
    return value_column, rows


def _records(reader: "csv.DictReader[str]") -> Iterator[tuple[int, dict[str, str]]]:
    for record in reader:
        clean = {(k or "").strip(): (v or "") for k, v in record.items()}
        if None in record:
            raise ValidationError(
                _("line %(line)s: more fields than the header names") % {"line": reader.line_num}
            )
        yield reader.line_num, clean


def _value_column(path: Path, header: list[str], vintage: str) -> str:
    if not ({"period_start", "period_end"} <= set(header) or {"month"} & set(header)) and (
        "year" not in header
    ):
        raise _fail(path, 1, "-", _("the header needs period_start and period_end, month or year"))
    if "vintage" not in header and not vintage:
        raise _fail(path, 1, "vintage", _("no vintage column: give the publication month"))
    values = [name for name in header if name not in _KNOWN]
    if len(values) != 1:
        raise _fail(path, 1, "-", _("the header needs exactly one column of values"))
    return values[0]


def _row(path: Path, line: int, record: dict[str, str], column: str, vintage: str) -> Row:
    start, end = _period(path, line, record)
    raw = record.get(column, "").strip().replace(",", "")
    if not raw.isdigit():
        raise _fail(path, line, column, _("expected a whole number of 0 or more"))
    published = record.get("vintage", "").strip() or vintage
    if not _MONTH.match(published):
        raise _fail(path, line, "vintage", _("expected a publication month YYYY-MM"))
    basis = record.get("basis", "").strip()[:200]
    return Row(start, end, int(raw), published, basis, record.get("source", "").strip()[:300], line)


def import_series(path: Path, *, name: str, actor: User | None, vintage: str = "") -> ImportReport:
    """Load a public series file.

    Effects: creates the series if new; adds each figure not already stored (period and
    vintage), refusing a different value for a stored one; derives missing months from
    cumulative rows (marked derived); writes a `stats.series_imported` audit event; one
    transaction.
    """
    slug = slugify(name)
    if not slug or slug != name:
        raise ValidationError(_("the series name may hold only letters, digits and hyphens"))
    value_column, rows = read_series_file(path, vintage=vintage)
    with transaction.atomic():
        series, _created = ExternalSeries.objects.get_or_create(
            name=name, defaults={"value_label": value_column}
        )
        added, kept = _store(path, series, rows)
        derived = derive_months(series)
        payload = {"series": series.pk, "added": added, "kept": kept, "derived": derived}
        record_event(StatsAuditAction.SERIES_IMPORTED, actor=actor, subject=series, payload=payload)
    return ImportReport(name, added, kept, derived)


def _store(path: Path, series: ExternalSeries, rows: list[Row]) -> tuple[int, int]:
    stored = {
        (p.period_start, p.period_end, p.vintage): p.value
        for p in series.points.filter(derived=False)
    }
    added = kept = 0
    for row in rows:
        key = (row.start, row.end, row.vintage)
        if key in stored and stored[key] != row.value:
            raise _fail(path, row.line, series.value_label, _(
                "this period and vintage is already stored with another value (%(value)s)"
            ) % {"value": stored[key]})  # fmt: skip
        if key in stored:
            kept += 1
            continue
        stored[key] = row.value
        SeriesPoint.objects.create(
            series=series, period_start=row.start, period_end=row.end, value=row.value,
            vintage=row.vintage, basis=row.basis, source=row.source, line=row.line,
        )  # fmt: skip
        added += 1
    return added, kept


def latest_points(series: ExternalSeries) -> dict[tuple[dt.date, dt.date], SeriesPoint]:
    """The latest vintage of each period (published figures before derived ones)."""
    latest: dict[tuple[dt.date, dt.date], SeriesPoint] = {}
    for point in series.points.order_by("derived", "vintage"):
        key = (point.period_start, point.period_end)
        if key not in latest or not point.derived:
            latest[key] = point
    return latest


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, month) of every month from start's to end's, both included."""
    months, (year, month) = [], (start.year, start.month)
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def is_month(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end == _month_end(start.year, start.month)


def derive_months(series: ExternalSeries) -> int:
    """Add each month that a cumulative row determines alone (one unknown month left in it).

    For a row covering several months, minus a shorter row with the same start and the known
    months after it: when exactly one month is unknown, it is the difference. Marked derived,
    with the vintage of the newest figure used. Returns how many months were added.
    """
    added = 0
    while True:
        found = _one_derivation(series)
        if found is None:
            return added
        SeriesPoint.objects.create(series=series, derived=True, **found)
        added += 1


def _one_derivation(series: ExternalSeries) -> dict[str, object] | None:
    latest = latest_points(series)
    monthly = {(s.year, s.month): p for (s, e), p in latest.items() if is_month(s, e)}
    for (start, end), total in sorted(latest.items()):
        if is_month(start, end):
            continue
        for prefix in [*_prefixes(latest, start, end), None]:  # the nearest figure first
            found = _difference(total, prefix, monthly)
            if found is not None:
                return found
    return None


def _prefixes(latest: dict, start: dt.date, end: dt.date) -> list[SeriesPoint]:
    found = [p for (s, e), p in latest.items() if s == start and e < end and not is_month(s, e)]
    return sorted(found, key=lambda p: p.period_end, reverse=True)


def _difference(
    total: SeriesPoint, prefix: SeriesPoint | None, monthly: dict[tuple[int, int], SeriesPoint]
) -> dict[str, object] | None:
    first = prefix.period_end + dt.timedelta(days=1) if prefix else total.period_start
    span = months_between(first, total.period_end)
    unknown = [m for m in span if m not in monthly]
    if len(unknown) != 1:
        return None
    used = [monthly[m] for m in span if m in monthly] + ([prefix] if prefix else [])
    value = total.value - sum(p.value for p in used)
    if value < 0:
        return None
    year, month = unknown[0]
    basis = _("derived: %(total)s minus %(parts)s") % {
        "total": f"{total.period_start:%Y-%m}..{total.period_end:%Y-%m}",
        "parts": ", ".join(f"{p.period_start:%Y-%m}..{p.period_end:%Y-%m}" for p in used) or "-",
    }
    return {
        "period_start": dt.date(year, month, 1),
        "period_end": _month_end(year, month),
        "value": value,
        "vintage": max(p.vintage for p in [total, *used]),
        "basis": basis[:200],
        "source": total.source,
    }
