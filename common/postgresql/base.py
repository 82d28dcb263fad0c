"""Django's PostgreSQL backend, waiting out a short database restart.

While PostgreSQL restarts (a minor upgrade, a failover, a configuration change) new connections
are refused for a moment. Django would answer every request in that moment with a 500; this
backend retries the connection for a few seconds first, so a restart costs those requests some
latency instead. Connections that were open across the restart are replaced before use by
Django's own CONN_HEALTH_CHECKS (on in newsroom/settings.py).
"""

import time

from django.db.backends.postgresql import base

# Longer than a restart takes, well inside gunicorn's 30-second worker timeout.
CONNECT_RETRY_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + CONNECT_RETRY_SECONDS
        delay = 0.05
        while True:
            try:
                return super().get_new_connection(conn_params)
            except self.Database.OperationalError:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
