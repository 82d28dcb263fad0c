"""A visitor served as gunicorn serves them: through newsroom.wsgi's PageCacheFront in front of
Django's WSGI handler, so that pages the front answers from the cache are checked too."""

import io
from urllib.parse import unquote_to_bytes, urlsplit

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse

from newsroom.cache import front


class WsgiClient:
    def __init__(self, **headers):
        self.calls_to_django = 0
        django = WSGIHandler()

        def counted(environ, start_response):
            self.calls_to_django += 1
            return django(environ, start_response)

        self.application = front(counted)
        self.headers = headers

    def get(self, url: str, **headers) -> HttpResponse:
        parts = urlsplit(url)
        environ = {
            "REQUEST_METHOD": headers.pop("method", "GET"),
            # As a WSGI server hands it over (PEP 3333): the address's bytes, read as Latin-1.
            "PATH_INFO": unquote_to_bytes(parts.path).decode("iso-8859-1"),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
        }
        for name, value in {**self.headers, **headers}.items():
            environ[f"HTTP_{name.upper()}"] = value
        sent = {}

        def start_response(status, response_headers, exc_info=None):
            sent["status"], sent["headers"] = status, response_headers

        # As Django's test client does: the test's transaction must outlive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.application(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        response = HttpResponse(body, status=int(sent["status"].split()[0]))
        for name, value in sent["headers"]:
            response.headers[name] = value
        return response
