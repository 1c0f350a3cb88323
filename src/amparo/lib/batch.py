"""Read several independent querysets in one round trip to PostgreSQL.

A page that lists a case's consents, tasks, approvals, notes and referrals sends five queries
that do not depend on each other; PostgreSQL answers each in well under a millisecond, and the
page's time goes into waiting for five answers one after another. `fetch_together` sends them
as one message of several statements and reads the answers in order (`nextset`).

Django has no public API for this, so the querysets are evaluated through the narrowest seam
its iterables use: each queryset's compiler writes its SQL (`as_sql`); after the one round
trip, the rows are handed back to that same compiler and the queryset's own iterable builds
the objects (models with `select_related`, `values()`, `values_list()` alike), so what comes
back is exactly what `list(queryset)` returns. Elsewhere (SQLite, whose driver runs one
statement per call) each queryset is simply evaluated in turn.
"""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler


def fetch_together(*querysets: QuerySet[Any, Any]) -> list[list[Any]]:
    """The results of `querysets`, each as `list(queryset)` gives it, in the order given.

    The querysets must be independent reads on one database (none may need another's
    result); each is evaluated once and its result cache filled, as `list()` would.
    """
    aliases = {queryset.db for queryset in querysets}
    alias = aliases.pop() if len(aliases) == 1 else ""
    if not alias or not _binds_on_the_client(alias):
        return [list(queryset) for queryset in querysets]
    return _in_one_message(querysets, alias)


def _binds_on_the_client(alias: str) -> bool:
    """PostgreSQL with Django's default client-side binding: statements with server-side
    parameters cannot share one message."""
    connection = connections[alias]
    options = connection.settings_dict.get("OPTIONS", {})
    return connection.vendor == "postgresql" and not options.get("server_side_binding")


def _in_one_message(querysets: tuple[QuerySet[Any, Any], ...], alias: str) -> list[list[Any]]:
    """One execute of all the statements. The driver binds the parameters on the client
    (psycopg's ClientCursor, Django's default), so several statements may share one call."""
    compilers = [queryset.query.get_compiler(using=alias) for queryset in querysets]
    statements: list[str] = []
    params: list[Any] = []
    sent: list[bool] = []  # False where the query can match nothing (e.g. `pk__in=[]`)
    for compiler in compilers:
        try:
            sql, sql_params = compiler.as_sql()
        except EmptyResultSet:
            sent.append(False)
            continue
        statements.append(sql)
        params.extend(sql_params)
        sent.append(True)
    rows: list[list[Any]] = []
    with connections[alias].cursor() as cursor:
        if statements:
            cursor.execute(";\n".join(statements), params)
        first = True
        for was_sent in sent:
            if not was_sent:
                rows.append([])
                continue
            if not first:
                cursor.nextset()
            first = False
            rows.append(cursor.fetchall())
    return [
        _evaluate(queryset, compiler, found)
        for queryset, compiler, found in zip(querysets, compilers, rows, strict=True)
    ]


def _evaluate(queryset: QuerySet[Any, Any], compiler: SQLCompiler, rows: list[Any]) -> list[Any]:
    """Let the queryset's own iterable build its results from `rows` (see the module's note)."""

    def answered(*_args: object, **_kwargs: object) -> Iterator[list[Any]]:
        return iter([rows])  # execute_sql(MULTI) yields chunks of rows

    compiler.execute_sql = answered  # type: ignore[method-assign, assignment]
    query = queryset.query
    query.get_compiler = lambda *_args, **_kwargs: compiler  # type: ignore[method-assign]
    try:
        return list(queryset)
    finally:
        del query.get_compiler
