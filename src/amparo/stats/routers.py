"""On a regional node the apps that hold personal data get no tables at all.

A regional node receives only signed, suppressed aggregates (`amparo stats import`); with
`AMPARO_NODE_KIND=regional` its database is migrated without the person, case, screening,
assessment, casework and referral tables, so no mistake can store a person there.
"""

from typing import Any

from django.conf import settings

# Apps whose tables describe migrants (persons, their cases, screenings, referrals).
PERSONAL_DATA_APPS = frozenset({"people", "screening", "assessment", "casework", "referrals"})


def is_regional_node() -> bool:
    return bool(settings.AMPARO_NODE_KIND == "regional")


class NodeKindRouter:
    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if is_regional_node() and app_label in PERSONAL_DATA_APPS:
            return False
        return None
