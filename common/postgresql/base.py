"""Django's PostgreSQL backend, waiting out a short database restart.

While PostgreSQL restarts (a minor upgrade, a failover, a configuration change) new connections
are refused for a moment. Django would answer every request in that moment with a 500; this
backend retries the connection for a few seconds first, so a restart costs those requests some
latency instead. Connections that were open across the restart are replaced before use by
Django's own CONN_HEALTH_CHECKS (on in newsroom/settings.py), with a check that costs no round
trip to the server (`is_usable`).
"""

import select
import time

from django.db.backends.postgresql import base

# Longer than a restart takes, well inside gunicorn's 30-second worker timeout.
CONNECT_RETRY_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        """Django's check sends "SELECT 1" before each request's first query: a round trip on
        every request (a tenth of a public page's time). An idle connection is told nothing by
        the server unless it is going away: a restart or a terminated backend sends its reason
        and closes the socket. So an idle connection whose socket has nothing to read is usable,
        and one with something to read is replaced. In a transaction, Django's own check."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != self.Database.pq.TransactionStatus.IDLE:
            return super().is_usable()
        poll = select.poll()
        try:
            poll.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poll.poll(0)
        except (OSError, ValueError, self.Database.Error):
            return False

    def get_new_connection(self, conn_params):
        from common import replica

        watched = self.alias == replica.PRIMARY and replica.has_replica()
        if watched and replica.primary_is_down():
            # With a replica to read, a primary that just failed is not tried again for a
            # moment (common.replica): the public's pages do not wait for it.
            raise self.Database.OperationalError("the primary is down (tried a moment ago)")
        # A public read that needs the primary only by the way (a kept part, the page cache's
        # check) tries it once: the replica answers the page.
        retry = 0 if watched and replica.primary_is_optional() else CONNECT_RETRY_SECONDS
        deadline = time.monotonic() + retry
        delay = 0.05
        while True:
            try:
                connection = super().get_new_connection(conn_params)
            except self.Database.OperationalError:
                if time.monotonic() + delay > deadline:
                    if watched:
                        replica.mark_primary_down()
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
            else:
                if watched:
                    replica.mark_primary_up()
                return connection
