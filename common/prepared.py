"""Queries that the busiest public pages run on every request, compiled by the ORM once per
process and run with each request's values.

Building and compiling a QuerySet is Python work done again on every request. For the content
version it took 1.3 ms, and for a release page's row with its kept parts 2.8 ms (PostgreSQL,
1,000 releases, measured 2026-11), while the database answered each in about 0.15 ms. A
prepared query is the ORM's own SQL: it is built once with stand-in values, and the request's
values take their places among the parameters.
"""

import datetime
import itertools
from functools import lru_cache
from types import SimpleNamespace

from django.db import connections, models, router
from django.db.models.query import RawQuerySet
from django.db.models.sql.query import RawQuery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

_standin_numbers = itertools.count(1)


def _standin(name, value):
    """A value of the same type that nothing else in a query would carry."""
    n = next(_standin_numbers)
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1901, 2, 3, 4, 5, 6, n, tzinfo=datetime.UTC)
    if isinstance(value, bool):
        raise TypeError(f"{name}: a boolean may be written into the SQL, not passed")
    if isinstance(value, int):
        return 7_000_000_000 + n
    if isinstance(value, str):
        return f"\x1f{name}-{n}\x1f"
    raise TypeError(f"{name}: only datetimes, whole numbers and text can be prepared")


class PreparedQuery:
    """`build(**values)` returns a QuerySet. Each value must reach the SQL as a parameter (not
    as, say, a LIMIT) and its type must stay the same from call to call; structure that varies
    (a slice, a filter that is there or not) belongs in a separate PreparedQuery."""

    instances: list["PreparedQuery"] = []

    def __init__(self, build, *, generic_plan: bool = False):
        self.build = build
        # PostgreSQL plans a prepared statement afresh on each run while it estimates its
        # generic plan dearer than a custom one, as it does for the feeds' query (LIMIT and
        # the publish time as parameters): 0.3 ms of planning for a 0.2 ms query. Where the
        # generic plan is the same index scan, `generic_plan` has `rows` use it.
        self.generic_plan = generic_plan
        self._compiled = lru_cache(maxsize=8)(self._compile)
        PreparedQuery.instances.append(self)

    @classmethod
    def forget_all(cls) -> None:
        """Compile every query again on its next use: constants it holds (the render build)
        follow settings that tests change."""
        for query in cls.instances:
            query._compiled.cache_clear()

    def _compile(self, alias, shape):
        standins = {name: _standin(name, sample) for name, sample in shape}
        queryset = self.build(**standins).using(alias)
        connection = connections[alias]
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
        # Built again: a value that changes from call to call without being passed in (a
        # timezone.now() inside the build) would otherwise be kept for the process's life.
        again = self.build(**standins).using(alias)
        _sql, params_again = again.query.get_compiler(connection=connection).as_sql()
        if list(params) != list(params_again):
            raise ValueError(
                "a value changes from call to call but is not passed in: "
                f"{[a for a, b in zip(params, params_again, strict=True) if a != b]}"
            )
        adapted = {
            name: connection.ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime.datetime)
            else value
            for name, value in standins.items()
        }
        slots, found = [], set()
        for param in params:
            slot = ("constant", param)
            for name, value in adapted.items():
                if param == value:
                    slot = ("value", name)
                elif isinstance(value, str) and isinstance(param, str) and value in param:
                    # Text around the value, as "article:" in "article:da". Exact lookups
                    # only: a LIKE pattern's value would need escaping that this skips.
                    slot = ("text", param, value, name)
                else:
                    continue
                found.add(name)
                break
            slots.append(slot)
        missing = set(standins) - found
        if missing:
            raise ValueError(f"not passed to the database as parameters: {sorted(missing)}")
        return queryset.model, sql, slots

    def _params(self, alias, slots, values):
        connection = connections[alias]
        params = []
        for slot in slots:
            if slot[0] == "constant":
                params.append(slot[1])
            elif slot[0] == "text":
                _kind, template, standin, name = slot
                params.append(template.replace(standin, values[name]))
            else:
                value = values[slot[1]]
                if isinstance(value, datetime.datetime):
                    value = connection.ops.adapt_datetimefield_value(value)
                params.append(value)
        return params

    def _statement(self, using, limit, offset, values):
        model, sql, slots = self._compiled(using, _Shape(sorted(values.items())))
        params = self._params(using, slots, values)
        if limit is not None:
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
        return model, sql, params

    def raw(self, using=None, *, limit=None, offset=0, **values):
        """The rows as model instances (a RawQuerySet): model fields converted as the ORM
        does, annotations as the database returns them (see `as_datetime`). `limit` and
        `offset` slice the rows (the ORM would write them into the SQL, a new query each)."""
        using = using or router.db_for_read(None)  # the replica for the public's reads
        model, sql, params = self._statement(using, limit, offset, values)
        if self.generic_plan:
            query = _GenericPlanRawQuery(sql, using, params=params)
            return RawQuerySet(sql, model=model, query=query, params=params, using=using)
        return model._default_manager.raw(sql, params, using=using)

    def rows(self, using=None, *, limit=None, offset=0, **values) -> list[SimpleNamespace]:
        """The rows as plain objects, an attribute per column, for a page that only reads a
        few values of each: building a model instance costs about 18 µs a row (a feed's
        twenty, a tenth of its time). Datetime fields come as aware datetimes."""
        using = using or router.db_for_read(None)
        model, sql, params = self._statement(using, limit, offset, values)
        connection = connections[using]
        with connection.cursor() as cursor:
            if self.generic_plan and connection.vendor == "postgresql":
                _execute_with_generic_plan(connection, cursor, sql, params)
            else:
                cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            found = cursor.fetchall()
        dates = _datetime_columns(model, tuple(names))
        rows = [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in found]
        for row in rows:
            for name in dates:
                setattr(row, name, as_datetime(getattr(row, name)))
        return rows

    def count(self, using=None, **values) -> int:
        """How many rows the query has."""
        using = using or router.db_for_read(None)
        _model, sql, slots = self._compiled(using, _Shape(sorted(values.items())))
        params = self._params(using, slots, values)
        connection = connections[using]
        with connection.cursor() as cursor:
            counted = f"SELECT COUNT(*) FROM ({sql}) counted"
            if self.generic_plan and connection.vendor == "postgresql":
                _execute_with_generic_plan(connection, cursor, counted, params)
            else:
                cursor.execute(counted, params)
            return cursor.fetchone()[0]


@lru_cache(maxsize=64)
def _datetime_columns(model, names: tuple) -> list[str]:
    fields = {field.column: field for field in model._meta.concrete_fields}
    return [name for name in names if isinstance(fields.get(name), models.DateTimeField)]


def _execute_with_generic_plan(connection, cursor, sql, params) -> None:
    """The query under plan_cache_mode=force_generic_plan, the setting sent with it in one
    round trip (a psycopg pipeline). The three statements end in one implicit transaction: if
    the query fails, the SET is rolled back with it, and no later query runs under it."""
    # An error comes when the pipeline ends, outside Django's own translation of it.
    with connection.wrap_database_errors, connection.connection.pipeline():
        connection.connection.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(sql, params)
        connection.connection.execute("RESET plan_cache_mode")


class _GenericPlanRawQuery(RawQuery):
    """A RawQuerySet's query, run under a generic plan (`_execute_with_generic_plan`)."""

    def _execute_query(self):
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return super()._execute_query()
        params = tuple(connection.ops.adapt_unknown_value(value) for value in self.params)
        self.cursor = connection.cursor()
        _execute_with_generic_plan(connection, self.cursor, self.sql, params)

    def clone(self, using):
        return _GenericPlanRawQuery(self.sql, using, params=self.params)


class PreparedList:
    """A prepared query's rows as Django's Paginator takes them: counted, and sliced."""

    def __init__(self, query: PreparedQuery, **values):
        self.query, self.values = query, values

    def count(self) -> int:
        return self.query.count(**self.values)

    def __getitem__(self, rows: slice) -> list:
        start = rows.start or 0
        return list(self.query.raw(limit=rows.stop - start, offset=start, **self.values))


class _Shape(tuple):
    """The names and types of a call's values, hashable for the cache of compiled queries
    (the sample values themselves never decide the SQL)."""

    def __hash__(self):
        return hash(tuple((name, type(value)) for name, value in self))

    def __eq__(self, other):
        return [(n, type(v)) for n, v in self] == [(n, type(v)) for n, v in other]


def as_datetime(value):
    """A datetime annotation from a raw row: PostgreSQL returns an aware datetime, SQLite text
    or a naive datetime in UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
