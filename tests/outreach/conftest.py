import socket

import pytest
from aiosmtpd.controller import Controller


class MailServer:
    """A real SMTP server (aiosmtpd) that keeps what it gets and refuses chosen addresses with
    550 (a hard bounce) or 450 (try again later)."""

    def __init__(self):
        self.messages = []
        self.refuse = {}  # address -> "550 ..." / "450 ..."

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def mail_server(settings):
    handler = MailServer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield handler
    finally:
        controller.stop()
