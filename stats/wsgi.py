"""Counting at the WSGI door: every answer is seen here, whether the page-cache front sent it
from the cache or Django rendered it, and the counters are written after the answer has gone
out (in the response's close())."""

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
        answered = {}

        def start(status, headers, exc_info=None):
            answered["status"] = status
            return start_response(status, headers, exc_info)

        result = self.application(environ, start)
        return _Counted(result, environ, answered)


class _Counted:
    """The response's body, passed on untouched; counted when the server closes it."""

    def __init__(self, result, environ, answered):
        self.result = result
        self.environ = environ
        self.answered = answered

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self._count()

    def _count(self):
        try:
            if not self.answered.get("status", "").startswith("200"):
                return
            environ = self.environ
            cookies = environ.get("HTTP_COOKIE", "")
            count_request(
                unquoted_path(environ),
                environ.get("QUERY_STRING", ""),
                environ.get("HTTP_USER_AGENT", ""),
                staff=settings.SESSION_COOKIE_NAME in cookies,
            )
            if counters.due():
                counters.flush()
        except Exception:  # noqa: BLE001 - counting never fails an answer
            logger.warning("A request was not counted", exc_info=True)
