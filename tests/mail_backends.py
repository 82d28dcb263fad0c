import time

from django.core.mail.backends.locmem import EmailBackend


class SlowLocmemBackend(EmailBackend):
    """Like locmem, but each message takes a moment, so concurrent workers overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        count = super().send_messages(messages)
        return count


class RefusingLocmemBackend(EmailBackend):
    """Like locmem, but the server refuses one address, as a real one answers 550."""

    refused = "afvist@example.org"

    def send_messages(self, messages):
        import smtplib

        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
        return super().send_messages(messages)
