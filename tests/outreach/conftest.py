import pytest

from tests.smtp import running_mail_server, smtp_mailers


@pytest.fixture
def mail_server(settings):
    with running_mail_server() as (_controller, server):
        settings.MAILERS = smtp_mailers(server.port)
        yield server
