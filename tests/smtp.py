"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests: it keeps what it gets,
refuses chosen addresses (550: a hard bounce; 450: try again later), and can kill a worker
process at its Nth message, as a crash in the middle of a round."""

import contextlib
import os
import signal
import socket

from aiosmtpd.controller import Controller


class MailServer:
    def __init__(self):
        self.messages = []
        self.refuse = {}  # address -> "550 ..." / "450 ..."
        self.kill_on = None  # (message number, process id): SIGKILL it, answer nothing
        self.received = 0
        self.port = None

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


@contextlib.contextmanager
def running_mail_server():
    """(controller, server), listening on a free port until the block ends."""
    server = MailServer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        server.port = probe.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield controller, server
    finally:
        controller.stop()


def smtp_mailers(port: int) -> dict:
    """settings.MAILERS for Django's SMTP backend talking to it."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
