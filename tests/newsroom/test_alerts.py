"""E-mail alerts: double opt-in, exactly one alert per release, one-click unsubscribe."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import alerts
from newsroom.models import AlertDelivery, Subscription
from tests.factories import PressReleaseFactory, TopicFactory
from tests.worker import run_worker, use_database_tasks

pytestmark = pytest.mark.django_db


def link_in(message, name):
    pattern = {
        "confirm": r"http://testserver/abonnement/bekraeft/[^/\s]+/",
        "manage": r"http://testserver/abonnement/skift/[^/\s]+/",
        "unsubscribe": r"http://testserver/abonnement/afmeld/[^/\s]+/",
    }[name]
    return re.search(pattern, message.body).group(0).removeprefix("http://testserver")


def public_topic(name):
    """A topic the public can see (one of its releases is out) and so can subscribe to."""
    topic = TopicFactory(name=name)
    PressReleaseFactory(title=f"Tidligere om {name}").topics.add(topic)
    AlertDelivery.objects.all().delete()
    from newsroom.models import PressRelease

    PressRelease.objects.update(alerts_queued_at=timezone.now())
    return topic


def subscribe(client, email="journalist@example.org", **choices):
    data = {"email": email, "all_releases": "True", **choices}
    return client.post(reverse("newsroom:subscribe"), data)


def confirmed_subscription(client, email="journalist@example.org", **choices):
    subscribe(client, email, **choices)
    confirm_path = link_in(mail.outbox[-1], "confirm")
    client.post(confirm_path)
    mail.outbox.clear()
    return Subscription.objects.get(email=email)


def test_double_opt_in(client):
    response = subscribe(client)
    assert response.status_code == 200
    assert "journalist@example.org" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["journalist@example.org"]
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    confirm_path = link_in(message, "confirm")
    # The token names no address.
    assert "journalist" not in confirm_path and "example" not in confirm_path
    # Opening the link (as a link scanner would) confirms nothing.
    assert client.get(confirm_path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    response = client.post(confirm_path, follow=True)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_unconfirmed_subscribers_get_no_alerts(client):
    subscribe(client)
    mail.outbox.clear()
    PressReleaseFactory()
    alerts.run_once()
    assert mail.outbox == []


def test_confirmation_link_expires(client, time_machine):
    subscribe(client)
    confirm_path = link_in(mail.outbox[0], "confirm")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=4))
    response = client.post(confirm_path)
    assert response.status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def test_a_tampered_token_reveals_nothing(client):
    assert client.get("/abonnement/skift/not-a-token/").status_code == 404
    assert client.get("/abonnement/bekraeft/not-a-token/").status_code == 404


def test_subscribing_a_known_address_sends_a_manage_link_and_says_the_same(client):
    confirmed_subscription(client)
    response = subscribe(client)
    assert "Tjek din indbakke" in response.content.decode() or "inbox" in response.content.decode()
    [message] = mail.outbox
    assert "/abonnement/skift/" in message.body
    assert Subscription.objects.count() == 1


def test_choosing_nothing_gets_a_clear_error(client):
    response = client.post(
        reverse("newsroom:subscribe"), {"email": "a@example.org", "all_releases": "False"}
    )
    assert response.status_code == 200
    assert "Vælg mindst ét emne eller én organisation" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_a_published_release_alerts_each_matching_subscriber_once(client, seed_release):
    Subscription.objects.all().delete()
    AlertDelivery.objects.all().delete()
    topic = public_topic("Kultur")
    everything = confirmed_subscription(client, "alt@example.org")
    culture = confirmed_subscription(
        client, "kultur@example.org", all_releases="False", topics=[topic.pk]
    )
    confirmed_subscription(
        client, "andet@example.org", all_releases="False", topics=[public_topic("Sport").pk]
    )
    release = PressReleaseFactory(title="Kulturnyhed")
    release.topics.add(topic)
    alerts.run_once()
    alerts.run_once()  # a second run sends nothing again
    assert sorted(m.to[0] for m in mail.outbox) == sorted([culture.email, everything.email])
    message = next(m for m in mail.outbox if m.to == [everything.email])
    assert message.subject == "Kulturnyhed"
    assert "http://testserver" + release.get_absolute_url() in message.body
    html = message.alternatives[0].content
    assert "Kulturnyhed" in html and "En kort indledning." in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/abonnement/afmeld/"
    )
    assert "/abonnement/afmeld/" in message.body  # and a visible link


def test_alert_carries_lead_photo_and_media_contact(client, seed_release):
    from newsroom.models import PressRelease

    confirmed_subscription(client)
    PressRelease.objects.filter(pk=seed_release.pk).update(
        alerts_queued_at=None, publish_at=timezone.now()
    )
    alerts.run_once()
    [message] = mail.outbox
    assert "Poul-Louis Larsen" in message.body and "+45 92 82 38 87" in message.body
    html = message.alternatives[0].content
    assert 'src="http://testserver/media/renditions/' in html
    assert "Camilla Hey" in html


def test_scheduled_release_is_alerted_at_its_time_and_only_once(client, time_machine, settings):
    confirmed_subscription(client)
    use_database_tasks(settings)  # from here on as in production: the worker does the work
    release = PressReleaseFactory(scheduled=True, title="Planlagt")
    run_worker()
    assert mail.outbox == []
    time_machine.move_to(release.publish_at + datetime.timedelta(seconds=1))
    run_worker()  # nobody enqueued anything: the worker's own scheduling step finds it
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Planlagt"]
    rounds = DBTaskResult.objects.filter(
        task_path="newsroom.alerts.deliver_alerts", finished_at__gte=release.publish_at
    )
    assert [r.return_value for r in rounds.order_by("finished_at")] == [
        {"queued": 1, "sent": 1},
        {"queued": 0, "sent": 0},
    ]


def test_old_releases_found_later_alert_nobody(client, seed_release):
    confirmed_subscription(client)
    from newsroom.models import PressRelease

    PressRelease.objects.update(alerts_queued_at=None)
    alerts.run_once()
    assert mail.outbox == []
    assert PressRelease.objects.get().alerts_queued_at is not None


def test_one_click_unsubscribe_by_post_without_a_session(client):
    subscription = confirmed_subscription(client)
    PressReleaseFactory()
    alerts.run_once()
    unsubscribe_path = link_in(mail.outbox[0], "unsubscribe")
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)
    # GET only asks.
    assert mail_client.get(unsubscribe_path).status_code == 200
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    response = mail_client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_manage_page_changes_choices_without_login(client):
    subscription = confirmed_subscription(client)
    topic = public_topic("Økonomi")
    PressReleaseFactory()
    alerts.run_once()
    manage_path = link_in(mail.outbox[0], "manage")
    page = client.get(manage_path)
    assert page.status_code == 200 and subscription.email in page.content.decode()
    client.post(manage_path, {"all_releases": "False", "topics": [topic.pk]})
    subscription.refresh_from_db()
    assert not subscription.all_releases
    assert list(subscription.topics.all()) == [topic]


def test_staff_export_subscribers_as_csv(staff_client):
    Subscription.objects.create(email="x@example.org", confirmed_at=timezone.now())
    response = staff_client.post(
        reverse("admin:newsroom_subscription_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Subscription.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "x@example.org" in response.content.decode()


def test_a_mail_server_outage_at_sign_up_is_no_error_page(client, monkeypatch):
    def refuse(**kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(alerts, "send_confirmation", refuse)
    response = subscribe(client)
    assert response.status_code == 200
    assert Subscription.objects.filter(email="journalist@example.org").exists()
    # Signing up again, once the server is back, sends the confirmation.
    monkeypatch.undo()
    subscribe(client)
    assert len(mail.outbox) == 1


def test_sign_up_cannot_flood_an_inbox_or_be_scripted(client):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        response = subscribe(client, "offer@example.org")
        assert response.status_code == 200
    assert len(mail.outbox) == 3  # then the same page, but no more mail that day
    for number in range(20):
        response = subscribe(client, f"bulk{number}@example.org")
    assert response.status_code == 429
    assert "Vent lidt" in response.content.decode()
    cache.clear()


def test_item11_manage_links_expire_and_the_page_says_how_to_get_a_new_one(client, time_machine):
    subscription = confirmed_subscription(client)
    PressReleaseFactory(title="Første alarm")
    alerts.run_once()
    manage_path = link_in(mail.outbox[-1], "manage")
    unsubscribe_path = link_in(mail.outbox[-1], "unsubscribe")
    # Within its lifetime the link works.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=150))
    assert client.get(manage_path).status_code == 200
    # After it, both links lead to a page that says what happened and what to do.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=40))
    for path in (manage_path, unsubscribe_path):
        response = client.get(path)
        assert response.status_code == 410
        page = response.content.decode()
        assert "Linket er udløbet" in page
        assert reverse("newsroom:subscribe") in page
        assert subscription.email not in page
    # A one-click POST with an old link unsubscribes nobody and does not claim it did.
    response = client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 410 and "Linket er udløbet" in response.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    # Every alert carries a fresh link, and asking on the sign-up page sends one too.
    PressReleaseFactory(title="Anden alarm")
    alerts.run_once()
    assert client.get(link_in(mail.outbox[-1], "manage")).status_code == 200
    subscribe(client)
    assert client.get(link_in(mail.outbox[-1], "manage")).status_code == 200
    # A forged link still reveals nothing.
    assert client.get(reverse("newsroom:subscription-manage", args=["x:y:z"])).status_code == 404


def test_an_english_subscriber_is_sent_to_english_pages(client, seed_release):
    """Found by hand: English mails linked to the Danish confirm, manage and unsubscribe pages,
    and the English alert said <html lang="da">."""
    Subscription.objects.all().delete()
    response = client.post(
        "/en/abonnement/",
        {"email": "reporter@example.com", "all_releases": "True", "language": "en"},
    )
    assert response.status_code == 200
    [confirmation] = mail.outbox
    confirm = re.search(r"http://testserver(/en/abonnement/bekraeft/[^/\s]+/)", confirmation.body)
    assert confirm, confirmation.body
    page = client.get(confirm.group(1)).content.decode()
    assert '<html lang="en"' in page
    client.post(confirm.group(1))
    mail.outbox.clear()
    AlertDelivery.objects.all().delete()
    PressReleaseFactory(title="English news", language="en")
    alerts.run_once()
    [alert] = mail.outbox
    assert "http://testserver/en/abonnement/skift/" in alert.body
    assert "http://testserver/en/abonnement/afmeld/" in alert.body
    assert alert.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/en/abonnement/afmeld/"
    )
    assert '<html lang="en">' in alert.alternatives[0].content
