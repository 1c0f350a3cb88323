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

Building and compiling a queryset costs Python far more than PostgreSQL takes to answer it. A
read that a hot page sends on every request can be a `CompiledRead`: its queryset is built
and compiled once per process, with placeholder arguments, and each call only binds its own
arguments into the compiled SQL (see `CompiledRead`).
"""

import copy
import hashlib
import itertools
import re
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# A read is compiled twice, with two sets of placeholder arguments: a parameter that changes
# between the two is an argument, one that does not is a constant of the read. The integers
# fit every integer column (a lookup beyond its column's range would drop them).
_PLACEHOLDER_SETS = ((1000, "amparo-a{}"), (2000, "amparo-b{}"))
# Compiled statements kept per read: one per shape (e.g. per set of memberships of the gate).
_MOST_SHAPES = 512
# The bounds of the integer columns Django knows, probed from the narrowest: a lookup beyond
# its column's range matches nothing (Django's EmptyResultSet), and must never reach the
# database, where it would overflow the driver or the column's type.
_MAXIMA = (2**15 - 1, 2**31 - 1, 2**63 - 1)
_MINIMA = (0, -(2**15), -(2**31), -(2**63))


class CompiledReadError(TypeError):
    """A read whose arguments do not pass into its SQL unchanged cannot be compiled once."""


@dataclass(frozen=True)
class _Statement:
    """A read compiled once: its SQL, its parameters with the argument positions marked, and
    the queryset and compiler that build results from rows."""

    sql: str
    # (True, argument index, the driver's type of it) or (False, constant, None)
    params: tuple[tuple[bool, Any, type | None], ...]
    queryset: QuerySet[Any, Any]
    compiler: SQLCompiler
    ranges: tuple[tuple[int, int] | None, ...]  # per argument: an integer's bounds

    def matches_nothing(self, args: tuple[int | str, ...]) -> bool:
        """An integer argument beyond its column's range: Django's lookup matches nothing."""
        return any(
            bounds is not None and not bounds[0] <= arg <= bounds[1]  # type: ignore[operator]
            for arg, bounds in zip(args, self.ranges, strict=True)
        )

    @cached_property
    def name(self) -> str:
        """The name it is prepared under on PostgreSQL (with a connection's generation, see
        `_Prepared`): the same SQL, the same name."""
        return "amparo_" + hashlib.sha256(self.sql.encode()).hexdigest()[:24]

    @cached_property
    def numbered_sql(self) -> str:
        """The SQL with PostgreSQL's numbered parameters ($1, $2...) for PREPARE; a literal
        percent sign stays doubled, as the driver still formats the message."""
        numbers = itertools.count(1)
        return re.sub(r"%[%s]", lambda m: m[0] if m[0] == "%%" else f"${next(numbers)}", self.sql)

    def bind(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            kind(args[value]) if kind is not None else value for _arg, value, kind in self.params
        )


class CompiledRead:
    """A read built and compiled once per process and shape, then bound to each call's
    arguments: `TASKS(case_id)` then costs a tuple of parameters, not a queryset and its SQL.

        TASKS = CompiledRead(lambda case_id: Task.objects.filter(case_id=case_id))
        (tasks,) = fetch_together(TASKS(case.pk))

    `build(*args)` (or `build(shape, *args)` when called with `shape=`) returns the queryset;
    it is called only when a shape is first used: with two sets of placeholder arguments
    (which must reach the SQL's parameters unchanged: ids and codes compared with `=`, else
    `CompiledReadError` says which), and with values just beyond each integer column's
    range, so that an id beyond it matches nothing without reaching the database, as in
    Django. `shape` is a hashable value that changes the SQL itself (e.g. the user's access
    condition); the most recent `_MOST_SHAPES` shapes are kept. Evaluate a bound read with
    `fetch_together` (with others, in one round trip).
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, alias: str = "") -> None:
        self._build = build
        self._alias = alias or DEFAULT_DB_ALIAS
        self._statements: OrderedDict[Hashable, _Statement] = OrderedDict()

    def __call__(self, *args: int | str, shape: Hashable = None) -> "BoundRead":
        key = (shape, tuple(type(arg) for arg in args))
        statement = self._statements.get(key)
        if statement is not None:
            self._statements.move_to_end(key)  # the most recently used shapes are kept
        else:
            statement = self._compile(shape, args)
            self._statements[key] = statement
            if len(self._statements) > _MOST_SHAPES:
                self._statements.popitem(last=False)
        return BoundRead(statement, args, self._alias, statement.matches_nothing(args))

    def _compile(self, shape: Hashable, args: tuple[int | str, ...]) -> _Statement:
        first, second = ([_placeholder(i, arg, n) for i, arg in enumerate(args)] for n in (0, 1))
        queryset = self._queryset(shape, first)
        compiler = queryset.query.get_compiler(using=self._alias)
        sql, params = compiler.as_sql()  # EmptyResultSet here is a read that can match nothing
        other_sql, other_params = (
            self._queryset(shape, second).query.get_compiler(using=self._alias).as_sql()
        )
        where = self._build.__qualname__
        if other_sql != sql or len(other_params) != len(params):
            raise CompiledReadError(f"an argument of {where} changes its SQL")
        marked = tuple(
            _mark(one, two, first, second, where)
            for one, two in zip(params, other_params, strict=True)
        )
        for index in range(len(args)):
            if not any(is_argument and value == index for is_argument, value, _kind in marked):
                raise CompiledReadError(f"argument {index} of {where} does not reach its SQL")
        ranges = tuple(
            self._range(shape, first, index) if isinstance(arg, int) else None
            for index, arg in enumerate(args)
        )
        return _Statement(sql, marked, queryset, compiler, ranges)

    def _queryset(self, shape: Hashable, args: list[int | str]) -> QuerySet[Any, Any]:
        return self._build(shape, *args) if shape is not None else self._build(*args)

    def _range(self, shape: Hashable, placeholders: list[int | str], index: int) -> tuple[int, int]:
        """The bounds Django's lookups give argument `index`, probed from the narrowest."""

        def matches_nothing(value: int) -> bool:
            probe = [*placeholders[:index], value, *placeholders[index + 1 :]]
            try:
                self._queryset(shape, probe).query.get_compiler(using=self._alias).as_sql()
            except EmptyResultSet:
                return True
            return False

        high = next((bound for bound in _MAXIMA if matches_nothing(bound + 1)), _MAXIMA[-1])
        low = next((bound for bound in _MINIMA if matches_nothing(bound - 1)), _MINIMA[-1])
        return low, high


def _placeholder(index: int, arg: object, which: int) -> int | str:
    if isinstance(arg, bool) or not isinstance(arg, int | str):
        raise CompiledReadError(f"argument {index} must be an id or a code, not {arg!r}")
    number, text = _PLACEHOLDER_SETS[which]
    return number + index if isinstance(arg, int) else text.format(index)


def _mark(
    one: Any, two: Any, first: list[int | str], second: list[int | str], where: str
) -> tuple[bool, Any, type | None]:
    """(False, the constant, None) where both compiles agree; (True, the argument's index, its
    type) where the parameter is that argument's placeholder in each. The type may be the
    driver's subclass of int that Django gives an integer column's value (psycopg's `Int4`
    for a 32-bit column), which binding gives the argument too."""
    if type(one) is type(two) and one == two:
        return False, one, None
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        same_kind = isinstance(one, type(a)) and type(one) is type(two)
        if same_kind and (one, two) == (a, b):
            return True, index, type(one)
    raise CompiledReadError(
        f"an argument of {where} reaches its SQL transformed ({one!r}); "
        "build this read as a queryset instead"
    )


@dataclass(frozen=True)
class BoundRead:
    """A `CompiledRead` with one call's arguments: what `fetch_together` evaluates."""

    statement: _Statement
    args: tuple[int | str, ...]
    alias: str
    matches_nothing: bool = False  # an id beyond its column's range: nothing is sent

    def sql(self) -> tuple[str, tuple[Any, ...]]:
        if self.matches_nothing:
            raise EmptyResultSet  # as Django's lookup does
        return self.statement.sql, self.statement.bind(self.args)

    def results(self, rows: list[Any]) -> list[Any]:
        """What `list()` of the read's queryset gives for `rows`, on a copy of the compiled
        queryset and compiler, so that concurrent calls share nothing they change."""
        queryset = self.statement.queryset.all()  # a clone
        compiler = copy.copy(self.statement.compiler)
        compiler.connection = connections[self.alias]  # this thread's, not the compiling one's
        return _evaluate(queryset, compiler, rows)

    def evaluate(self) -> list[Any]:
        """Run alone (SQLite, or a read whose alias differs from the others')."""
        if self.matches_nothing:
            return []
        sql, params = self.sql()
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            return self.results(cursor.fetchall())


Read = QuerySet[Any, Any] | BoundRead


def fetch_together(*reads: Read) -> list[list[Any]]:
    """The results of `reads` (querysets or bound `CompiledRead`s), each as `list()` gives
    it for a queryset, in the order given.

    The reads must be independent reads on one database (none may need another's result);
    each queryset is evaluated once and its result cache filled, as `list()` would.
    """
    aliases = {read.alias if isinstance(read, BoundRead) else read.db for read in reads}
    alias = aliases.pop() if len(aliases) == 1 else ""
    if not alias or not _binds_on_the_client(alias):
        return [read.evaluate() if isinstance(read, BoundRead) else list(read) for read in reads]
    return _in_one_message(reads, alias)


def _binds_on_the_client(alias: str) -> bool:
    """PostgreSQL with Django's default client-side binding: statements with server-side
    parameters cannot share one message."""
    connection = connections[alias]
    options = connection.settings_dict.get("OPTIONS", {})
    return connection.vendor == "postgresql" and not options.get("server_side_binding")


def _in_one_message(reads: tuple[Read, ...], alias: str) -> list[list[Any]]:
    """One execute of all the statements. The driver binds the parameters on the client
    (psycopg's ClientCursor, Django's default), so several statements may share one call.

    A compiled read runs as a prepared statement: PostgreSQL then parses and plans it once
    per connection, not per page (planning the case page's reads took it about 2 ms). The
    first use on a connection sends its PREPARE in the same message, before its EXECUTE.
    """
    wrapper = connections[alias]
    wrapper.ensure_connection()
    prepared = _prepared_on(wrapper.connection) if _prepares(alias) else None
    bound = [
        read if isinstance(read, BoundRead) else _OneOff(read, read.query.get_compiler(alias))
        for read in reads
    ]
    statements: list[str] = []
    params: list[Any] = []
    answers: list[bool] = []  # per statement sent: does it answer rows (PREPARE does not)?
    sent: list[bool] = []  # per read: False where it can match nothing (e.g. `pk__in=[]`)
    newly: set[str] = set()
    for read in bound:
        try:
            sql, sql_params = read.sql()
        except EmptyResultSet:
            sent.append(False)
            continue
        if prepared is not None and isinstance(read, BoundRead):
            name = prepared.name_of(read.statement)
            if name not in prepared.names and name not in newly:
                statements.append(f"PREPARE {name} AS {read.statement.numbered_sql}")
                answers.append(False)
                newly.add(name)
            sql = f"EXECUTE {name}" + (
                f"({', '.join(['%s'] * len(sql_params))})" if sql_params else ""
            )
        statements.append(sql)
        answers.append(True)
        params.extend(sql_params)
        sent.append(True)
    answered: list[list[Any]] = []
    with wrapper.cursor() as cursor:
        try:
            if statements:
                cursor.execute(";\n".join(statements), params)
        except Exception:
            if prepared is not None:
                prepared.start_again()
            raise
        for index, has_rows in enumerate(answers):
            if index:
                cursor.nextset()
            if has_rows:
                answered.append(cursor.fetchall())
    if prepared is not None:
        prepared.names |= newly
    rows = iter(answered)
    return [
        read.results(next(rows) if was_sent else [])
        for read, was_sent in zip(bound, sent, strict=True)
    ]


class _Prepared:
    """The statements prepared on one open PostgreSQL connection."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.generation = 0

    def name_of(self, statement: _Statement) -> str:
        return f"{statement.name}_{self.generation}"

    def start_again(self) -> None:
        """After a failed message, which of its PREPAREs ran is unknown (PREPARE outlives
        a rollback): later statements take new names rather than guess."""
        self.names = set()
        self.generation += 1


_PREPARED: "weakref.WeakKeyDictionary[Any, _Prepared]" = weakref.WeakKeyDictionary()


def _prepared_on(raw_connection: Any) -> _Prepared:
    return _PREPARED.setdefault(raw_connection, _Prepared())


def _prepares(alias: str) -> bool:
    """Named prepared statements live in one server session: a pooler that hands each
    transaction a different session (PgBouncer's transaction mode) breaks them, and Django
    asks such deployments to set DISABLE_SERVER_SIDE_CURSORS, which turns them off too."""
    return not connections[alias].settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)


@dataclass(frozen=True)
class _OneOff:
    """A queryset given to `fetch_together`, compiled for this call only."""

    queryset: QuerySet[Any, Any]
    compiler: SQLCompiler

    def sql(self) -> tuple[str, tuple[Any, ...]]:
        sql, params = self.compiler.as_sql()
        return sql, tuple(params)

    def results(self, rows: list[Any]) -> list[Any]:
        return _evaluate(self.queryset, self.compiler, rows)


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
