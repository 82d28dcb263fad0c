import time

from django.core.mail.backends.locmem import EmailBackend


class SlowLocmemBackend(EmailBackend):
    """Like locmem, but each message takes a moment, so concurrent workers overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        count = super().send_messages(messages)
        return count
