"""Lists of public releases split into pages that cost the same however deep they go and
however large the archive grows.

- The number of rows (for "page 3 of 200") is counted once per process while what the public
  sees stays the same: kept under the content version and the next scheduled second, like the
  kept parts (newsroom.parts.kept_in_process).
- A page past the first fetches its rows' keys first (a narrow read of the list's order, no
  bodies, no kept parts), then the ten rows by key: OFFSET no longer makes the database build
  every skipped row with its subqueries.
"""

from urllib.parse import parse_qsl, urlencode

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from common.prepared import as_datetime
from common.querystrings import canonical_query
from newsroom.parts import kept_in_process, public_state

# Every this many rows of a list of releases, the key of the last one is kept (anchors).
ANCHOR_EVERY = 100


class KeptCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, state=None, key=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.state, self.key = state, key

    def _count(self):
        return super().count

    @property
    def count(self):
        if "_kept_count" not in self.__dict__:
            if self.state is None or self.key is None:
                self._kept_count = self._count()
            else:
                self._kept_count = kept_in_process(self.state, ("count", *self.key), self._count)
        return self._kept_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if self._by_key(rows) and bottom >= ANCHOR_EVERY:
            anchors = self.anchors()
            block = bottom // ANCHOR_EVERY
            if block <= len(anchors):
                at, pk = anchors[block - 1]
                after = rows.filter(
                    Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk), publish_at__lte=at
                )
                start = bottom - block * ANCHOR_EVERY
                return self._get_page(list(after[start : start + top - bottom]), number, self)
        if isinstance(rows, QuerySet) and bottom > 0:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            found = {row.pk: row for row in rows.filter(pk__in=keys)}
            return self._get_page([found[key] for key in keys if key in found], number, self)
        return self._get_page(rows[bottom:top], number, self)

    def _by_key(self, rows) -> bool:
        """A list of releases in their own order (newest first): read by keyset."""
        from newsroom.models import PressRelease

        return (
            isinstance(rows, QuerySet)
            and rows.model is PressRelease
            and not rows.query.order_by
            and rows.query.default_ordering
            and self.state is not None
            and self.key is not None
        )

    def anchors(self) -> list:
        """The key (publish time, id) of every ANCHOR_EVERY-th row, read in one narrow pass
        once per process while what the public sees stays the same."""
        rows = self.object_list

        def read():
            keys = rows.values("publish_at", "id")
            sql, params = keys.query.sql_with_params()
            with connections[keys.db].cursor() as cursor:
                cursor.execute(
                    "SELECT publish_at, id FROM (SELECT publish_at, id, row_number() OVER "
                    f"(ORDER BY publish_at DESC, id DESC) AS n FROM ({sql}) keys) numbered "
                    "WHERE n %% %s = 0 ORDER BY n",
                    [*params, ANCHOR_EVERY],
                )
                return [(as_datetime(at), pk) for at, pk in cursor.fetchall()]

        return kept_in_process(self.state, ("anchors", *self.key), read)


class KeptCountMixin:
    """For a ListView of public content: its paginator keeps its count and reads deep pages by
    key."""

    paginator_class = KeptCountPaginator

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        # The list as the page cache tells it apart: its address and the parameters it reads.
        query = [
            pair for pair in parse_qsl(canonical_query(self.request)) if pair[0] != self.page_kwarg
        ]
        key = (get_language(), self.request.path, urlencode(query))
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            state=public_state(self.request),
            key=key,
            **kw,
        )
