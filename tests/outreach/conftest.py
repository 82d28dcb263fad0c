import os
import signal
import socket

import pytest
from aiosmtpd.controller import Controller


class MailServer:
    """A real SMTP server (aiosmtpd) that keeps what it gets and refuses chosen addresses with
    550 (a hard bounce) or 450 (try again later)."""

    def __init__(self):
        self.messages = []
        self.refuse = {}  # address -> "550 ..." / "450 ..."
        self.kill_on = None  # (message number, process id): SIGKILL it, answer nothing
        self.received = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        if self.kill_on and self.received == self.kill_on[0]:
            os.kill(self.kill_on[1], signal.SIGKILL)
            return "451 Try again later"
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
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()
