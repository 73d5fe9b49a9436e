"""Read-only ORM queries compiled to SQL once per database, then run with fresh parameters.

Pages that run the same twenty queries on every request (the meeting snapshot, the dashboard's
live counts) spend more time in Django's query building and SQL compilation than in the
database. `Prepared` builds the queryset once with sentinel parameters, compiles it, remembers
where each parameter sits in the SQL's parameter list and which value converters the columns
need, and afterwards only substitutes the values, executes and converts — same SQL, same rows,
same Python values as the queryset would give (`values()` dicts, `values_list()` tuples or a flat
list), through the same cursor wrapper (so query counting and logging see it). A model queryset
(with `select_related` and annotations) gives model instances through `objects()`, built as
Django's `ModelIterable` builds them.

    OPINIONS = Prepared(lambda meeting: Opinion.objects.filter(meeting_id=meeting).values("id", "target"), meeting=int)
    rows = OPINIONS.rows(meeting=m.pk)

Parameter kinds: `int` (ids, lengths), `SMALL` (an int compared with a small-integer column, such
as a year: the ORM refuses the far-off sentinel of `int` there), `str` (a plain value: a choice), `datetime.date`, and `"prefix"` (the value of a
`__startswith` lookup; escaped for LIKE like the ORM does). The builder must use every parameter
as a plain lookup value or `Value()`, nothing that changes the SQL's shape with the value (an
`__in` list, `None`): those would be compiled once with the sentinel's shape.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import re
import weakref
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, get_related_populators

_INT_SENTINEL = 7_340_210_000_000  # far beyond any id this app will see
_DATE_SENTINEL = datetime.date(1901, 3, 1)
_SMALL_SENTINEL = 32_611  # fits a PositiveSmallIntegerField; no year or order comes near it
PREFIX = "prefix"
SMALL = "small"
# Rows fetched ahead by `together`: (id of the Prepared, alias, parameter values) → raw rows.
_FETCHED: ContextVar[dict | None] = ContextVar("prepared_fetched", default=None)
# PostgreSQL: the server-side statements each open connection holds (psycopg connection → names).
_SERVER_STATEMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Connections whose set above is unknown since a declaration failed part-way.
_UNSURE: weakref.WeakSet = weakref.WeakSet()
_NAMES = itertools.count(1)
# Names of the server-side statements → their SQL (what `EXECUTE shh_prepared_N` in a log runs).
STATEMENTS: dict[str, str] = {}


def _pg_type(param) -> str | None:
    """The type a server-side statement declares for a parameter like `param`: what Django's
    client-side binding would make of it. A plain int is `unknown`, inferred from where it is used
    (an id is bigint, a `substring` position integer); psycopg's typed ints (the ORM's `Value()`)
    keep their type; None when there is no safe declaration (the read then runs as plain SQL)."""
    from psycopg.types.numeric import Int2, Int4, Int8

    # In order: a bool is an int, psycopg's typed ints are ints, a datetime is a date.
    kinds = (
        (bool, "boolean"),
        (Int2, "smallint"),
        (Int4, "integer"),
        (Int8, "bigint"),
        (int, "unknown"),
        (str, "text"),
        (datetime.datetime, "timestamptz"),
        (datetime.date, "date"),
        (Decimal, "numeric"),
    )
    return next((name for kind, name in kinds if isinstance(param, kind)), None)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (position in params, parameter name, prefix template / int type / None)
    names: tuple[str, ...]
    converters: tuple  # (column position, converter functions, expression)
    width: int | None  # columns to keep when the ORM added some for ordering
    instances: tuple | None = None  # model querysets: (model, init_list, start, end, related populators, annotation columns)
    server: tuple[str, str] | None = None  # PostgreSQL: (statement name, PREPARE statement), or None


class Prepared:
    def __init__(self, build: Callable, *, unused_ok: bool = False, per_call_plan: bool = False, **kinds):
        """`kinds`: parameter name → kind. `unused_ok`: a parameter the built query may ignore
        (several queries built by one function, not all of them filtering on every value).
        `per_call_plan`: never a server-side statement, so PostgreSQL plans every call for its
        values. For reads whose best plan depends on them (a subtree prefix that matches 1,500
        branches or 300,000): after five executions a server-side statement may switch to one
        generic plan, which at the city root took 420 ms against 220 ms planned for the call."""
        for name, kind in kinds.items():
            if kind not in (int, SMALL, str, datetime.date, PREFIX):
                raise ImproperlyConfigured(f"Prepared parameter {name!r}: kind must be int, SMALL, str, datetime.date or PREFIX")
        self.build = build
        self.kinds = kinds
        self.unused_ok = unused_ok
        self.per_call_plan = per_call_plan
        self._compiled: dict[str, _Compiled] = {}

    # -- compilation ---------------------------------------------------------------------

    def _sentinels(self) -> dict:
        out = {}
        for i, (name, kind) in enumerate(self.kinds.items()):
            if kind is int:
                out[name] = _INT_SENTINEL + i
            elif kind == SMALL:
                out[name] = _SMALL_SENTINEL + i
            elif kind is datetime.date:
                out[name] = _DATE_SENTINEL + datetime.timedelta(days=i)
            elif kind is str:
                out[name] = f"QZX{i}PARAMZXQ"
            else:
                out[name] = f"QZX{i}ZXQ"
        return out

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        sentinels = self._sentinels()
        qs = self.build(**sentinels).using(alias)
        query = qs.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        expected = {}
        for name, kind in self.kinds.items():
            value = sentinels[name]
            expected[name] = connection.ops.adapt_datefield_value(value) if kind is datetime.date else value
        slots, seen = [], set()
        for pos, param in enumerate(params):
            for name, kind in self.kinds.items():
                if kind == PREFIX:
                    if isinstance(param, str) and sentinels[name] in param:
                        slots.append((pos, name, param))
                        seen.add(name)
                elif kind in (int, SMALL) and isinstance(param, int) and not isinstance(param, bool) and param == expected[name]:
                    # the param may be a typed wrapper (psycopg's Int4 for Value() on PostgreSQL): keep its type
                    slots.append((pos, name, type(param)))
                    seen.add(name)
                elif kind not in (int, SMALL) and type(param) is type(expected[name]) and param == expected[name]:
                    slots.append((pos, name, None))
                    seen.add(name)
        if seen != set(self.kinds) and not self.unused_ok:
            raise ImproperlyConfigured(f"Prepared query does not use its parameters {sorted(set(self.kinds) - seen)}: {sql}")
        instances = None
        if qs._iterable_class is ModelIterable:
            if qs._known_related_objects or qs._prefetch_related_lookups:
                raise ImproperlyConfigured("Prepared model querysets take select_related, not related managers or prefetch_related")
            names, instances = (), self._instance_plan(compiler, alias)
        elif query.selected:
            names = tuple(query.selected)  # the order of values() (Django ≥ 5.2), as ValuesIterable
        elif query.values_select or query.annotation_select or query.extra_select:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        else:
            raise ImproperlyConfigured("Prepared takes values(), values_list() or plain model querysets")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        converters = tuple((pos, fns, expr) for pos, (fns, expr) in compiler.get_converters(fields).items())
        width = compiler.col_count if compiler.has_extra_select else None
        server = _server_statement(sql, params) if connection.vendor == "postgresql" and not self.per_call_plan else None
        return _Compiled(sql, tuple(params), tuple(slots), names, converters, width, instances, server)

    @staticmethod
    def _instance_plan(compiler, alias: str) -> tuple:
        """What `ModelIterable.__iter__` derives from the compiler before its loop (Django 5.2)."""
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = tuple(f[0].target.attname for f in select[start:end])
        populators = tuple(get_related_populators(klass_info, select, alias))
        return (klass_info["model"], init_list, start, end, populators, tuple(compiler.annotation_col_map.items()))

    def compiled(self, using: str = DEFAULT_DB_ALIAS) -> _Compiled:
        hit = self._compiled.get(using)
        if hit is None:
            hit = self._compiled[using] = self._compile(using)
        return hit

    # -- execution -----------------------------------------------------------------------

    def _bind(self, using: str, values: dict) -> tuple[_Compiled, list]:
        c = self.compiled(using)
        connection = connections[using]
        params = list(c.params)
        if set(values) != set(self.kinds):
            raise TypeError(f"Prepared query takes {sorted(self.kinds)}, got {sorted(values)}")
        for pos, name, template in c.slots:
            kind, value = self.kinds[name], values[name]
            if kind in (int, SMALL):
                params[pos] = template(int(value))  # int, or the wrapper type the ORM used
            elif kind is str:
                params[pos] = str(value)
            elif kind is datetime.date:
                params[pos] = connection.ops.adapt_datefield_value(value)
            else:
                params[pos] = template.replace(self._sentinels()[name], connection.ops.prep_for_like_query(value))
        return c, params

    def _execute(self, using: str, values: dict, *, instances: bool = False) -> tuple[_Compiled, list]:
        c = self.compiled(using)
        if (c.instances is not None) != instances:
            raise ImproperlyConfigured("objects() is for model querysets, rows() / tuples() / flat() for values() querysets")
        fetched = _FETCHED.get()
        rows = fetched.pop(_key(self, using, values), None) if fetched else None
        if rows is None:
            c, params = self._bind(using, values)
            with connections[using].cursor() as cursor:
                _declare(cursor, [c])
                cursor.execute(_statement(c), params)
                rows = cursor.fetchall()
        return c, self._convert(c, using, rows)

    @staticmethod
    def _convert(c: _Compiled, using: str, rows: list) -> list:
        connection = connections[using]
        if c.width is not None:
            rows = [row[: c.width] for row in rows]
        if c.converters:
            converted = []
            for row in rows:
                row = list(row)
                for pos, fns, expr in c.converters:
                    value = row[pos]
                    for fn in fns:
                        value = fn(value, expr, connection)
                    row[pos] = value
                converted.append(row)
            rows = converted
        return rows

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[dict]:
        """Like `list(qs.values(...))`."""
        c, rows = self._execute(using, values)
        names = c.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def tuples(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        """Like `list(qs.values_list(...))`."""
        _, rows = self._execute(using, values)
        return [tuple(row) for row in rows]

    def objects(self, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        """Like `list(qs)` for a model queryset: instances with their select_related rows and
        annotations set."""
        c, rows = self._execute(using, values, instances=True)
        model, init_list, start, end, populators, annotations = c.instances
        out = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, pos in annotations:
                setattr(obj, name, row[pos])
            out.append(obj)
        return out

    def flat(self, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        """Like `list(qs.values_list(field, flat=True))`."""
        _, rows = self._execute(using, values)
        return [row[0] for row in rows]


def _key(prepared: Prepared, using: str, values: dict) -> tuple:
    return (id(prepared), using, tuple(sorted(values.items())))


@contextlib.contextmanager
def together(reads: Iterable[tuple[Prepared, dict]], using: str = DEFAULT_DB_ALIAS):
    """Inside the block, the calls of `reads` (each a prepared query and its parameter values)
    are answered from rows fetched on entry. On PostgreSQL the statements go to the server joined
    in one round trip (psycopg's client-side binding takes several statements; their results are
    walked with `nextset`): a page of twenty small reads then pays the client's and the server's
    per-statement cost once. Elsewhere (SQLite runs in-process) nothing is fetched ahead and each
    call runs as usual. Each fetched result answers one call; a call not fetched runs as usual."""
    connection = connections[using]
    reads = [(p, v) for p, v in reads]
    if connection.vendor != "postgresql" or len(reads) < 2:
        yield
        return
    bound = [p._bind(using, v) for p, v in reads]
    with connection.cursor() as cursor:
        _declare(cursor, [c for c, _ in bound])
        cursor.execute(";\n".join(_statement(c) for c, _ in bound), [x for _, params in bound for x in params])
        results = []
        for i in range(len(bound)):
            if i:
                cursor.nextset()
            results.append(cursor.fetchall())
    fetched = {_key(p, using, v): rows for (p, v), rows in zip(reads, results, strict=True)}
    token = _FETCHED.set(fetched)
    try:
        yield
    finally:
        _FETCHED.reset(token)


# -- PostgreSQL: statements planned once per connection -----------------------------------------


def _server_statement(sql: str, params) -> tuple[str, str] | None:
    """The compiled SQL as a named server-side statement: `PREPARE name(types) AS …` with `$n`
    for the client-side `%s`. PostgreSQL then parses and plans it once per connection (a generic
    plan after five executions) instead of on every call: on the meeting page, planning its
    statements cost the server more than executing them (the meeting's read with its one-to-one
    records alone: 2.6 ms of planning, 0.4 ms of execution). None when a parameter's type has no
    declared equivalent here, or when `DB_SERVER_STATEMENTS` is off (a pooler in transaction mode
    does not keep a session's statements)."""
    if not getattr(settings, "DB_SERVER_STATEMENTS", True):
        return None
    types = [_pg_type(param) for param in params]
    if None in types:
        return None
    numbers = itertools.count(1)
    body = re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
    name = f"shh_prepared_{next(_NAMES)}"
    STATEMENTS[name] = sql
    return name, f"PREPARE {name}({', '.join(types)}) AS {body}" if types else f"PREPARE {name} AS {body}"


def _statement(c: _Compiled) -> str:
    if c.server is None:
        return c.sql
    name = c.server[0]
    width = len(c.params)
    return f"EXECUTE {name}({', '.join(['%s'] * width)})" if width else f"EXECUTE {name}"


def _declare(cursor, compiled: list[_Compiled]) -> None:
    """PREPARE on this connection the statements it does not hold yet (one round trip, on its
    first use of them). A statement outlives a rolled-back transaction (PostgreSQL's PREPARE is
    not transactional) and dies with the connection; a new connection (after a restart,
    `CONN_HEALTH_CHECKS`) starts an empty set."""
    missing = [c for c in compiled if c.server is not None]
    if not missing:
        return
    pg = cursor.db.connection
    # On the driver's cursor, like Django's own per-connection `SET`s: a one-time setup of the
    # connection, not one of the page's queries (the counts tests pin stay per request).
    raw = cursor.cursor
    if pg in _UNSURE:  # a batch failed part-way: ask the server what it holds
        raw.execute("SELECT name FROM pg_prepared_statements")
        _SERVER_STATEMENTS[pg] = {row[0] for row in raw.fetchall()}
        _UNSURE.discard(pg)
    held = _SERVER_STATEMENTS.setdefault(pg, set())
    missing = [c for c in missing if c.server[0] not in held]
    if missing:
        try:
            with cursor.db.wrap_database_errors:  # Django's exceptions, as for any query
                raw.execute(";\n".join(c.server[1] for c in missing))
        except Exception:
            # The statements before the failing one stay declared (PREPARE outlives the failed
            # batch and its rollback): without this the connection would later fail on them with
            # "already exists", long after the error that caused it.
            _UNSURE.add(pg)
            raise
        held.update(c.server[0] for c in missing)
