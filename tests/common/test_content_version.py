"""The content version (common.models.ContentVersion) moves with every saved change, and
two saves never deadlock over it."""

import threading
import time

import pytest
from django.db import connection, transaction

from common.generation import content_changed
from common.models import ContentVersion
from organisations.models import Organisation
from tests.factories import OrganisationFactory


@pytest.mark.django_db(transaction=True)
def test_two_saves_that_lock_rows_in_opposite_orders_both_complete():
    """One save moves the version, then touches an organisation; another touches that
    organisation first, then moves the version. Waiting for each other's rows, they would
    deadlock (PostgreSQL would fail one of the saves); neither may fail."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite lets one writer in at a time)")
    organisation = OrganisationFactory()  # its save makes the row where a flush removed it
    start = ContentVersion.objects.get().number
    first_has_version, second_has_organisation = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                content_changed()
                first_has_version.set()
                second_has_organisation.wait(5)
                Organisation.objects.filter(pk=organisation.pk).update(name="Først")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_has_version.wait(5)
            with transaction.atomic():
                Organisation.objects.filter(pk=organisation.pk).update(name="Anden")
                second_has_organisation.set()
                time.sleep(0.2)
                content_changed()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert errors == []
    assert ContentVersion.objects.get().number == start + 2
    assert Organisation.objects.get(pk=organisation.pk).name == "Først"
