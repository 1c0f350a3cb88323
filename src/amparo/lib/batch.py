"""Read several independent querysets in one round trip to PostgreSQL.

A page that lists a case's consents, tasks, approvals, notes and referrals sends five queries
that do not depend on each other; PostgreSQL answers each in well under a millisecond, and the
page's time goes into waiting for five answers one after another. psycopg's pipeline mode sends
them together and waits once (`fetch_together`).

Django has no public API for this, so the querysets are evaluated through the narrowest seam
its iterables use: each queryset's compiler is asked for a cursor (`execute_sql(CURSOR)`, which
sends the query without waiting inside a pipeline); after the pipeline's one round trip, the
rows are handed back to that same compiler, and the queryset's own iterable builds the objects
(models with `select_related`, `values()`, `values_list()` alike), so what comes back is exactly
what `list(queryset)` returns. Elsewhere (SQLite, an old libpq) each queryset is simply
evaluated in turn.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.constants import CURSOR


def fetch_together(*querysets: QuerySet[Any, Any]) -> list[list[Any]]:
    """The results of `querysets`, each as `list(queryset)` gives it, in the order given.

    The querysets must be independent reads on one database (none may need another's
    result); each is evaluated once and its result cache filled, as `list()` would.
    """
    aliases = {queryset.db for queryset in querysets}
    if len(aliases) != 1 or not _can_pipeline(next(iter(aliases))):
        return [list(queryset) for queryset in querysets]
    return _pipelined(querysets, aliases.pop())


def _can_pipeline(alias: str) -> bool:
    if connections[alias].vendor != "postgresql":
        return False
    from psycopg import Pipeline  # only installed where PostgreSQL is used

    return bool(Pipeline.is_supported())


def _pipelined(querysets: Sequence[QuerySet[Any, Any]], alias: str) -> list[list[Any]]:
    connection = connections[alias]
    connection.ensure_connection()
    compilers = [queryset.query.get_compiler(using=alias) for queryset in querysets]
    cursors: list[Any] = []
    try:
        # Errors surface when the pipeline syncs: raised as Django's (ProgrammingError...).
        with connection.wrap_database_errors, connection.connection.pipeline():
            # None where the query can match nothing (e.g. `pk__in=[]`): no SQL is sent.
            cursors = [compiler.execute_sql(CURSOR) for compiler in compilers]
        rows = [cursor.fetchall() if cursor is not None else [] for cursor in cursors]
    finally:
        for cursor in cursors:
            if cursor is not None:
                cursor.close()
    return [
        _evaluate(queryset, compiler, found)
        for queryset, compiler, found in zip(querysets, compilers, rows, strict=True)
    ]


def _evaluate(queryset: QuerySet[Any, Any], compiler: SQLCompiler, rows: list[Any]) -> list[Any]:
    """Let the queryset's own iterable build its results from `rows` (see the module's note)."""

    def answered(*_args: object, **_kwargs: object) -> Iterator[list[Any]]:
        return iter([rows])  # execute_sql(MULTI) yields chunks of rows

    compiler.execute_sql = answered  # type: ignore[method-assign]
    query = queryset.query
    query.get_compiler = lambda *_args, **_kwargs: compiler  # type: ignore[method-assign]
    try:
        return list(queryset)
    finally:
        del query.get_compiler
