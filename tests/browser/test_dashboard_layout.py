"""Issue 19, item 21, in Chromium: the dashboard's tables fit their boxes at 1280 px, with
long titles, names and outlets, and nothing in them is cut off."""

import datetime
import os

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone

from newsroom import services
from newsroom.models import PressRelease
from tests.browser.test_richtext_paste import log_in
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.browser

LONG_TITLE = (
    "Landsorganisationen for sociale tilbud udnævner ny direktør med fokus på samskabelse, "
    "frivillighed og et stærkere samarbejde med kommunerne i hele Danmark"
)


def fill_the_dashboard(user):
    soon = timezone.now() + datetime.timedelta(days=2)
    embargoed = PressReleaseFactory(
        title=LONG_TITLE, status=PressRelease.Status.EMBARGOED, publish_at=soon
    )
    services.preview_link_issue(
        release=embargoed,
        user=user,
        name="Marie-Louise Skovgaard-Christiansen",
        email="mlsc@example.org",
        outlet="Danmarks Radio, Nyhedsredaktionen for indland og samfundsøkonomi",
    )
    draft = PressReleaseFactory(draft=True, title=f"Udkast: {LONG_TITLE}")
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[draft], action_flag=CHANGE, change_message=""
    )


def test_the_dashboard_tables_fit_at_1280_px(browser, publisher_login, django_user_model):
    base, username, password = publisher_login
    fill_the_dashboard(django_user_model.objects.get(username=username))
    context, page = log_in(
        browser, base, username, password, viewport={"width": 1280, "height": 1000}
    )
    page.goto(f"{base}/admin/")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.dashboard-overview table')].flatMap(table => {
            const box = table.closest('.module');
            const cells = [...table.querySelectorAll('td, th')].filter(
                cell => cell.scrollWidth > cell.clientWidth + 1
                    && getComputedStyle(cell).overflow !== 'visible');
            const right = box.getBoundingClientRect().right + 1;
            const wide = table.getBoundingClientRect().right > right;
            return wide || cells.length
                ? [box.querySelector('h2').textContent + (wide ? ' (table wider than its box)' : '')
                   + cells.map(cell => ' | cut: ' + cell.textContent.trim().slice(0, 40)).join('')]
                : [];
        })"""
    )
    shots = os.environ.get("DASHBOARD_SCREENSHOT")
    if shots:
        page.screenshot(path=shots, full_page=True)
    assert overflowing == []
    # Every table's text is on the screen: the page does not scroll sideways either.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    context.close()
