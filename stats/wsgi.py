"""Counting at the WSGI door: every answer is seen here, whether the page-cache front sent it
from the cache or Django rendered it. A request is counted when its status is known; the
counters are written now and then after an answer has gone out (in its close()), and the
answer itself is passed on untouched (a file the server sends with sendfile stays so)."""

import logging

from django.conf import settings

from stats.counting import count_request, counters, unquoted_path

logger = logging.getLogger(__name__)


class CountReaders:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.application(environ, start_response)

        def start(status, headers, exc_info=None):
            if status.startswith("200"):
                _count(environ)
            return start_response(status, headers, exc_info)

        result = self.application(environ, start)
        if counters.due():
            return _FlushAfter(result)
        return result


def _count(environ) -> None:
    try:
        count_request(
            unquoted_path(environ),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_USER_AGENT", ""),
            staff=settings.SESSION_COOKIE_NAME in environ.get("HTTP_COOKIE", ""),
        )
    except Exception:  # noqa: BLE001 - counting never fails an answer
        logger.warning("A request was not counted", exc_info=True)


class _FlushAfter:
    """The answer's body as it is; the counters written when the server has sent it."""

    def __init__(self, result):
        self.result = result

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            try:
                counters.flush()
            except Exception:  # noqa: BLE001 - counting never fails an answer
                logger.warning("Counts not written", exc_info=True)
