"""Every row held about a case, found by walking the foreign keys that lead to it: what
retention anonymises and what a subject-access export shows. A new model with a foreign key
to a case (or to a row of one) is covered without a change here."""

from collections import deque
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Model, QuerySet

from amparo.protection.retention.models import LegalHold


def _children(model: type[Model]) -> list[tuple[type[Model], str]]:
    """(model, field name) of every model holding a foreign key to `model`."""
    found = []
    for other in apps.get_models():
        for field in other._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is model:
                found.append((other, field.name))
    return found


def case_records(case: Any) -> Iterator[tuple[type[Model], QuerySet[Any]]]:
    """(model, rows) for the case itself and every row hanging from it, at any depth, each
    model once (the first path that reaches it), the legal hold excepted."""
    case_model = type(case)
    queue: deque[tuple[type[Model], QuerySet[Any]]] = deque(
        [(case_model, case_model._default_manager.filter(pk=case.pk))]
    )
    seen: set[type[Model]] = set()
    while queue:
        model, rows = queue.popleft()
        if model in seen or model is LegalHold:
            continue
        seen.add(model)
        yield model, rows
        for child, field_name in _children(model):
            parents = {f"{field_name}__in": rows.values("pk")}
            queue.append((child, child._default_manager.filter(**parents)))
