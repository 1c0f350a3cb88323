"""Every download of published statistics is audited: who, which tables, format, scope, filters.

The payload holds codes only (table ids, the format, the scope kind, the filter codes), never a
figure and never a person: the published values themselves can be recomputed from the data.
"""

from dataclasses import asdict

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.stats.domain.scope import Scope
from amparo.stats.domain.tables import Filters
from amparo.stats.enums import StatsAuditAction

FORMATS = ("csv", "hxl", "pdf", "json")


def record_download(
    *, actor: User, scope: Scope, filters: Filters, fmt: str, tables: list[str]
) -> None:
    """Effects: one `stats.dashboard_downloaded` audit event."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown download format {fmt!r}")
    used = {name: value for name, value in asdict(filters).items() if value}
    record_event(
        StatsAuditAction.DASHBOARD_DOWNLOADED,
        actor=actor,
        payload={"format": fmt, "scope": scope.kind, "tables": tables, **used},
    )
