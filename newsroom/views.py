import datetime
import logging
from pathlib import PurePath

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.cache import caches
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, ListView, TemplateView, dates

from common import throttle
from common.uploads import ALLOWED_DOCUMENT_EXTENSIONS
from common.urls import absolute_url
from media.models import Document, Image
from newsroom import alerts, search, seo, services
from newsroom.feeds import feed_links
from newsroom.forms import ReleaseFilterForm, SubscribeForm, SubscriptionChoicesForm
from newsroom.managers import (
    person_is_public,
    prefetch_listing_parts,
    prefetch_live_parts,
    prefetch_present_parts,
    public_media_contacts,
    public_organisations,
    public_people,
    public_topics,
    unannounced_organisation_ids,
)
from newsroom.models import (
    PressRelease,
    Quote,
    ReleaseImage,
    ReleaseOrganisation,
    ReleasePerson,
    Subscription,
)
from newsroom.paging import KeptCountMixin
from newsroom.parts import (
    CARD_PARTS,
    KeptParts,
    index_rows,
    kept_in_process,
    public_state,
    release_page_row,
    render_build,
    with_kept_parts,
)
from newsroom.record import person_box
from organisations.models import Organisation
from people.models import Position

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
# Sign-up sends e-mail, so it must not become a way to flood someone's inbox.
SIGNUPS_PER_CLIENT_PER_HOUR = 20
MAILS_PER_ADDRESS_PER_DAY = 3
RELATED_COUNT = 3
# The feeds page lists the organisations and people of this many of the newest releases.
FEEDS_PAGE_RELEASES = 30
QUOTES_ON_PERSON_PAGE = 20


class KeptCardsMixin:
    """A list of releases whose cards are kept rendered (newsroom.parts): the page's cards
    come with the list in one query, and what a card shows is fetched only when one is out of
    date."""

    def with_kept_cards(self, releases):
        releases = releases.select_related("byline")
        return with_kept_parts(releases, CARD_PARTS, public_state(self.request))

    keep_page_parts = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = context["object_list"]
        context["kept_parts"] = KeptParts(
            self.request,
            load=lambda: self.load_cards(shown),
            keep_page_parts=self.keep_page_parts,
            page_part_key=getattr(self, "page_part_key", ""),
        )
        return context

    def load_cards(self, releases) -> dict:
        prefetch_listing_parts(releases, "byline")  # onto the very releases the page lists
        return {}

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response.add_post_render_callback(context["kept_parts"].keep_pending)
        return response


class ReleaseIndexView(KeptCountMixin, KeptCardsMixin, ListView):
    """Newest first, filtered by topic, organisation and year when asked."""

    template_name = "newsroom/pressrelease_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "releases"

    def get_queryset(self):
        state = public_state(self.request)  # first: parts are filed under what was read before
        # Made when it is shown or asked (building its choices costs queries' worth of time).
        self.filter_form = SimpleLazyObject(
            lambda: ReleaseFilterForm(self.request.GET or None, state=state)
        )
        # The filters as nobody has chosen any are the same for every page of the index.
        chosen = [name for name in ReleaseFilterForm.base_fields if self.request.GET.get(name)]
        self.filtered = bool(chosen)
        self.keep_page_parts = True
        self.page_part_key = ""
        if not chosen:  # the index as most visitors see it: one prepared query a page
            return index_rows(self.request)
        releases = PressRelease.objects.published().one_per_story(get_language())
        if self.filter_form.is_valid():
            releases = self.filter_form.filter(releases)
            # The filters as chosen (with thousands of organisations to choose from, writing
            # them out cost 150 ms): kept in this process for each choice, like the index's.
            self.page_part_key = self.filter_form.query_string()
        else:
            self.keep_page_parts = False  # with the form's errors: written each time
        return self.with_kept_cards(releases)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=self.filter_form.query_string() if self.filtered else "",
            **kwargs,
        )


class ReleaseDetailView(DetailView):
    """A public release. Its article and head are kept rendered (newsroom.parts): a request
    fetches the release and its kept parts, and renders the rest only when they are out of
    date."""

    template_name = "newsroom/pressrelease_detail.html"
    context_object_name = "release"

    def get_object(self, queryset=None):
        release = release_page_row(self.request, self.kwargs["slug"])
        if release is None:
            raise Http404(_("No such press release."))
        return release

    def language_versions(self, release) -> list[dict]:
        """The story in each language it is published in, each at its address in its own
        language (the English version under /en/), this release included."""
        if not (release.original_id or release.has_versions):
            return []  # one language: no query
        versions = []
        for version in sorted([release, *release.published_versions()], key=lambda v: v.language):
            info = get_language_info(version.language)
            with translation.override(version.language):
                url = version.get_absolute_url()  # the English version under /en/
            with translation.override(release.language):
                name = str(info["name_translated"])
            if release.language == "da":
                name = name.lower()  # Danish writes language names in lower case: "på engelsk"
            versions.append(
                {
                    "code": version.language,
                    "name_local": info["name_local"],
                    # "Also in Danish" / "Også på engelsk": named in the release's language
                    "name": name,
                    "title": version.title,
                    "url": url,
                    "is_current": version.pk == release.pk,
                }
            )
        return versions if len(versions) > 1 else []

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return self.gone_or_moved(kwargs["slug"])

    def gone_or_moved(self, slug):
        """410 for a withdrawn release, 301 from an earlier address; otherwise 404."""
        match PressRelease.objects.withdrawn_or_moved(slug):
            case ("moved", release):
                return HttpResponsePermanentRedirect(release.get_absolute_url())
            case ("gone", _release):
                return render(self.request, "410.html", status=410)
        raise Http404(_("No such press release."))

    def get_context_data(self, **kwargs):
        release = self.object
        kept_parts = KeptParts(self.request, load=lambda: self.page_context(release))
        return super().get_context_data(
            kept_parts=kept_parts,
            release_versions=self.language_versions(release),
            # The page is in the release's language, whichever interface frames it.
            text_language=release.language,
            **kwargs,
        )

    def page_context(self, release) -> dict:
        """What the kept parts show, fetched only when one of them is rendered."""
        prefetch_listing_parts([release], "byline")
        release = prefetch_live_parts([prefetch_present_parts(release)])[0]
        # Each story once in the page's language; this story's other versions are offered
        # above as versions, not as neighbours or related releases.
        published = PressRelease.objects.published().one_per_story(get_language())
        story = [release.pk, release.original_id or release.pk]
        published = published.exclude(pk__in=story).exclude(
            original_id__in=[pk for pk in story if pk]
        )
        return {
            "release": release,
            "object": release,
            # Each title marked in its language where the page is written in another.
            "previous_release": published.before(release).only("title", "slug", "language").first(),
            "next_release": published.after(release).only("title", "slug", "language").first(),
            "related_releases": published.related_to(release).only(
                "title", "slug", "publish_at", "language"
            )[:RELATED_COUNT],
            "json_ld": seo.release_data(release),
            # On the public page every person and organisation named is public: link them.
            "link_about_boxes": True,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response.add_post_render_callback(context["kept_parts"].keep_pending)
        response["Content-Language"] = context["text_language"]
        return response


@method_decorator(never_cache, name="dispatch")
class EmbargoPreviewView(DetailView):
    """A journalist's preview before the embargo lifts. Shows this release and nothing else
    that is unpublished; expired or revoked links answer 404 and reveal nothing."""

    template_name = "newsroom/pressrelease_detail.html"
    context_object_name = "release"

    def get(self, request, *args, **kwargs):
        public = services.preview_link_after_lift(token=kwargs["token"])
        if public is not None:
            return redirect(public.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        link = services.preview_link_open(token=self.kwargs["token"], request=self.request)
        if link is None:
            raise Http404(_("No such press release."))
        self.link = link
        release = PressRelease.objects.for_page().get(pk=link.release_id)
        # The "Om" boxes as the public could read them today: written as of the embargoed date
        # they would show roles that other unpublished releases are still to announce.
        day = min(release.release_date, timezone.localdate())
        release.__dict__["about_boxes"] = release.about_boxes_on(day)
        self.about_day = day
        return release

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_embargo_preview=True,
            preview_link=self.link,
            preview_token=self.kwargs["token"],
            about_day=self.about_day,
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


@method_decorator(
    [
        staff_member_required,
        permission_required("newsroom.view_pressrelease", raise_exception=True),
        never_cache,
    ],
    name="dispatch",
)
class ReleasePreviewView(DetailView):
    """Staff see any release as it will look, marked as a preview and never cached."""

    template_name = "newsroom/pressrelease_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return PressRelease.objects.for_page()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ReleasesOfObjectView(KeptCountMixin, ListView):
    """A person's, organisation's or topic's page: the object and its published releases."""

    paginate_by = PAGE_SIZE
    context_object_name = "releases"

    def get_object(self):
        return get_object_or_404(self.get_object_queryset(), slug=self.kwargs["slug"])

    def get_object_queryset(self):
        """The objects the public may see (see managers.public_*)."""
        raise NotImplementedError

    def get_queryset(self):
        self.object = self.get_object()
        releases = PressRelease.objects.published().about(self.object)
        return releases.one_per_story(get_language()).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class PersonDetailView(ReleasesOfObjectView):
    template_name = "people/person_detail.html"

    def get_object_queryset(self):
        return public_people().prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("organisation"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["as_of"] = timezone.localdate()
        context["quotes"] = (
            Quote.objects.public()
            .filter(person=self.object)
            .select_related("release")
            .order_by("-release__publish_at", "order")[:QUOTES_ON_PERSON_PAGE]
        )
        biography = self.object.biography_on(context["as_of"], unannounced_organisation_ids())
        context["box"] = person_box(self.object, biography)
        context["json_ld"] = seo.standalone(seo.person_data(self.object, biography))
        return context


class OrganisationDetailView(ReleasesOfObjectView):
    """The organisation, its board and people as of today or an earlier day (?dato=), and its
    releases."""

    template_name = "organisations/organisation_detail.html"
    BOARD_KINDS = {Position.Kind.BOARD, Position.Kind.CHAIR}

    def get_object_queryset(self):
        return public_organisations()

    def as_of(self):
        """The day asked for, or today. Never a later day: a board that has not taken its seats
        yet may be news an embargoed release will tell."""
        today = timezone.localdate()
        asked = self.request.GET.get("dato", "").strip()
        if not asked:
            return today, ""
        try:
            day = datetime.date.fromisoformat(asked)
        except ValueError:
            return today, _("Cannot read the date “%(value)s”: showing today.") % {"value": asked}
        if day > today:
            return today, _("Only today and earlier days can be shown: showing today.")
        return day, ""

    def get_context_data(self, **kwargs):
        day, day_error = self.as_of()
        positions = list(
            Position.objects.held_on(day)
            .filter(person_is_public("person", "person__"), organisation=self.object)
            .select_related("person")
            .chairs_first()
        )
        language = get_language()
        for position in positions:
            position.shown_title, position.shown_title_lang = position.title_in(language)
            # On a handover day both chairs are held: the outgoing one says so, as in the
            # release's "Om" box ("fratræder 3. maj 2021"); a start known only to the year
            # says "fra 2024" on a board dated inside that year.
            position.leaving = position.dates_on_list(day)
        about, about_lang = self.object.about_in(language)
        return super().get_context_data(
            json_ld=seo.standalone(seo.organisation_data(self.object)),
            about=about,
            about_lang=about_lang,
            as_of=day,
            as_of_is_today=day == timezone.localdate(),
            as_of_error=day_error,
            asked_for_day="dato" in self.request.GET,
            board=[p for p in positions if p.kind in self.BOARD_KINDS],
            staff=[p for p in positions if p.kind not in self.BOARD_KINDS],
            today=timezone.localdate(),
            **kwargs,
        )


class TopicDetailView(ReleasesOfObjectView):
    template_name = "newsroom/topic_detail.html"

    def get_object_queryset(self):
        return public_topics()


PDF_KEPT_SECONDS = 7 * 24 * 3600


def release_pdf(request, slug):
    """The published release as a PDF, in its own language (newsroom.pdf): rendered once per
    version of what the public sees, and kept (a PDF keeps both cores busy for a moment)."""
    state = public_state(request)  # first: the PDF is kept under what was read before
    release = PressRelease.objects.published().for_published_page().filter(slug=slug).first()
    if release is None:
        match PressRelease.objects.withdrawn_or_moved(slug):
            case ("moved", moved):
                return HttpResponsePermanentRedirect(
                    reverse("newsroom:release-pdf", args=[moved.slug])
                )
            case ("gone", _release):
                return render(request, "410.html", status=410)
        raise Http404(_("No such press release."))
    key = f"newsroom-pdf:{render_build()}:{release.pk}:{state.version}:{state.next_publication_at}"
    cache = caches["default"]
    document = cache.get(key) if state.version is not None else None
    if document is None:
        try:
            # Imported here: WeasyPrint needs Pango, and a server without it serves the rest.
            from newsroom import pdf
        except OSError:
            logger.exception("PDFs cannot be made: WeasyPrint needs Pango (see README)")
            return HttpResponse(
                _("The PDF cannot be made on this server right now."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        document = pdf.release_pdf(prefetch_live_parts([release])[0])
        cache.set(key, document, PDF_KEPT_SECONDS)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{release.slug}.pdf"'
    return response


def document_download(request, pk):
    """A document of a published release, always as an attachment that browsers won't sniff."""
    document = get_object_or_404(
        Document.objects.filter(releases__in=PressRelease.objects.published()).distinct(), pk=pk
    )
    return _document_file(document)


def _document_file(document):
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    content_type = ALLOWED_DOCUMENT_EXTENSIONS.get(
        PurePath(document.file.name).suffix.lower(), "application/octet-stream"
    )
    response = FileResponse(
        handle, as_attachment=True, filename=document.download_filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def image_download(request, pk):
    """The original press photo, as an attachment named after its credit.

    Only photos on a published release are downloadable here.
    """
    image = get_object_or_404(
        Image.objects.filter(releases__in=PressRelease.objects.published()).distinct(), pk=pk
    )
    return _image_file(image)


def _image_file(image):
    if not image.master:
        raise Http404(_("The file is missing."))
    try:
        handle = image.master.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=image.download_filename,
        content_type=image.mime_type or None,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _embargo_download(model, file_response):
    """A press photo or document of the release an embargo preview link is for, while the
    link is usable; a download is an opening too, logged like the preview itself."""

    @never_cache
    def download(request, token, pk):
        link = services.preview_link_open(token=token, request=request)
        if link is None:
            raise Http404(_("No such press release."))
        response = file_response(
            get_object_or_404(model.objects.filter(releases=link.release), pk=pk)
        )
        response["X-Robots-Tag"] = "noindex"
        return response

    return download


embargo_image_download = _embargo_download(Image, _image_file)
embargo_document_download = _embargo_download(Document, _document_file)


class FeedsPageView(TemplateView):
    """Every feed URL, for journalists to copy into their readers."""

    template_name = "newsroom/feeds.html"

    def get_context_data(self, **kwargs):
        def scoped(objects):
            return [{"object": obj, "feeds": feed_links(obj)} for obj in objects]

        def newest_releases():
            return list(
                PressRelease.objects.published()
                .order_by("-publish_at", "-pk")
                .values_list("pk", flat=True)[:FEEDS_PAGE_RELEASES]
            )

        def organisations():
            # The organisations and people of the newest releases (every one's own page links
            # its feeds): with thousands of each, a page listing them all took seconds.
            newest = newest_releases()
            about = ReleaseOrganisation.objects.filter(release__in=newest).values("organisation")
            bylines = PressRelease.objects.filter(pk__in=newest).values("byline")
            return scoped(
                Organisation.objects.filter(pk__in=about.union(bylines)).order_by("name")
            )

        def people():
            newest = ReleasePerson.objects.filter(release__in=newest_releases())
            return scoped(public_people().filter(pk__in=newest.values("person")).order_by("name"))

        # Read only when the page is written: it is kept rendered per process and content
        # version ({% kept "feeds" %}; hundreds of addresses took 120 ms to write).
        return super().get_context_data(
            site_feeds=feed_links(),
            topic_feeds=SimpleLazyObject(lambda: scoped(public_topics())),
            organisation_feeds=SimpleLazyObject(organisations),
            person_feeds=SimpleLazyObject(people),
            kept_parts=KeptParts(self.request, keep_page_parts=True),
            **kwargs,
        )


class SubscribeView(FormView):
    """Sign up for e-mail alerts; nothing is sent until the address confirms (double opt-in)."""

    template_name = "alerts/subscribe.html"
    form_class = SubscribeForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        client = self.request.META.get("REMOTE_ADDR", "")
        if not throttle.allow(
            "signup-client", client, limit=SIGNUPS_PER_CLIENT_PER_HOUR, period=3600
        ):
            return render(self.request, "alerts/too_many.html", status=429)
        if not throttle.allow(
            "signup-address", email, limit=MAILS_PER_ADDRESS_PER_DAY, period=24 * 3600
        ):
            # Same answer as ever, but no more mail to that inbox today.
            return render(self.request, "alerts/check_inbox.html", {"email": email})
        existing = Subscription.objects.filter(email__iexact=email).first()
        if existing and existing.confirmed_at:
            alerts.send_manage_link_task.enqueue(existing.pk)
        else:
            subscription = existing or Subscription(email=email)
            subscription.all_releases = form.cleaned_data["all_releases"]
            subscription.language = form.cleaned_data["language"]
            subscription.save()
            subscription.topics.set(form.cleaned_data["topics"])
            subscription.organisations.set(form.cleaned_data["organisations"])
            alerts.send_confirmation_task.enqueue(subscription.pk)
        # The same answer whether or not the address was known: it reveals nothing.
        return render(self.request, "alerts/check_inbox.html", {"email": email})


@method_decorator(never_cache, name="dispatch")
class ConfirmSubscriptionView(TemplateView):
    """GET shows a button, POST confirms: link scanners cannot subscribe anyone."""

    template_name = "alerts/confirm.html"

    def dispatch(self, request, *args, token, **kwargs):
        self.subscription = alerts.subscription_from_confirm_token(token)
        if self.subscription is None:
            return render(request, "alerts/link_invalid.html", status=404)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.subscription.confirmed_at:
            self.subscription.confirmed_at = timezone.now()
            self.subscription.save(update_fields=["confirmed_at"])
        return redirect(alerts.manage_url(self.subscription) + "?confirmed=1")


def manage_link_refused(request, token):
    """A manage or unsubscribe link that does not work. One we signed whose lifetime is over
    says so and how to get a new one (410); anything else reveals nothing (404)."""
    if alerts.manage_token_has_expired(token):
        context = {"valid_months": alerts.MANAGE_MAX_AGE.days // 30}
        return render(request, "alerts/link_expired.html", context, status=410)
    return render(request, "alerts/link_invalid.html", status=404)


@method_decorator(never_cache, name="dispatch")
class ManageSubscriptionView(FormView):
    """Change or end a subscription from the link in any alert, without logging in."""

    template_name = "alerts/manage.html"
    form_class = SubscriptionChoicesForm

    def dispatch(self, request, *args, token, **kwargs):
        self.token = token
        self.subscription = alerts.subscription_from_manage_token(token)
        if self.subscription is None:
            return manage_link_refused(request, token)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.subscription}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your choices are saved."))
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subscription=self.subscription,
            token=self.token,
            just_confirmed="confirmed" in self.request.GET,
            **kwargs,
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(TemplateView):
    """RFC 8058 one-click: a POST to this URL ends the subscription at once.

    CSRF-exempt on purpose: mail clients post here without a session. The signed token in
    the URL is the authority. GET only shows a button, so link scanners change nothing.
    """

    template_name = "alerts/unsubscribe.html"

    def dispatch(self, request, *args, token, **kwargs):
        self.subscription = alerts.subscription_from_manage_token(token)
        if self.subscription is None and (
            request.method != "POST" or alerts.manage_token_has_expired(token)
        ):
            # An expired link unsubscribes nobody, and says so rather than "unsubscribed".
            return manage_link_refused(request, token)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.subscription is not None:
            self.subscription.delete()
        return render(request, "alerts/unsubscribed.html")


class ReleaseArchiveMixin(KeptCountMixin):
    date_field = "publish_at"
    paginate_by = PAGE_SIZE
    context_object_name = "releases"
    make_object_list = True
    allow_empty = False

    def get_queryset(self):
        # Plain: the previous and next year or month are looked up with it (Django fetches a
        # row of each), and only the page's own releases need their cards' parts.
        return PressRelease.objects.published().one_per_story(get_language())

    def get_dated_queryset(self, **lookup):
        return super().get_dated_queryset(**lookup).for_listing()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The years or months that have releases: read once per process while what the public
        # sees stays the same (every release's date is read to find them).
        key = ("dates", get_language(), self.request.path, date_type, ordering)
        compute = super().get_date_list
        return kept_in_process(
            public_state(self.request), key, lambda: list(compute(queryset, date_type, ordering))
        )


class ArchiveIndexView(ReleaseArchiveMixin, dates.ArchiveIndexView):
    """Years and months that have releases, in Copenhagen time."""

    template_name = "newsroom/archive.html"
    allow_empty = True

    def get_context_data(self, **kwargs):
        months = kept_in_process(
            public_state(self.request),
            ("archive-months",),
            lambda: list(
                PressRelease.objects.published().dates("publish_at", "month", order="DESC")
            ),
        )
        # The list of every month is written once per process while what the public sees
        # stays the same (68 years of months: 816 links, 170 ms of template work).
        return super().get_context_data(
            archive_months=months,
            kept_parts=KeptParts(self.request, keep_page_parts=True),
            **kwargs,
        )


class YearArchiveView(ReleaseArchiveMixin, dates.YearArchiveView):
    template_name = "newsroom/archive_year.html"


class MonthArchiveView(ReleaseArchiveMixin, dates.MonthArchiveView):
    template_name = "newsroom/archive_month.html"
    month_format = "%m"


class SearchView(TemplateView):
    template_name = "newsroom/search.html"

    def get_context_data(self, **kwargs):
        query = search.clean_query(self.request.GET.get("q"))
        context = {"query": query, "searched": bool(query)}
        if query:
            context.update(
                release_hits=search.search_releases(query),
                people=search.search_people(query),
                organisations=search.search_organisations(query),
                too_short=not search.query_words(query),
            )
        return super().get_context_data(**context, **kwargs)


class MediaContactListView(ListView):
    template_name = "media/mediacontact_list.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return public_media_contacts().select_related("person", "organisation")

    def get_context_data(self, **kwargs):
        # A contact's organisation is named only if the public may already see it.
        organisation_ids = {contact.organisation_id for contact in self.object_list}
        public_ids = set(
            public_organisations().filter(pk__in=organisation_ids).values_list("pk", flat=True)
        )
        return super().get_context_data(public_organisation_ids=public_ids, **kwargs)


def media_contact_vcard(request, pk):
    """A vCard a journalist can save straight to a phone (listed contacts only)."""
    contact = get_object_or_404(
        public_media_contacts().select_related("person", "organisation"), pk=pk
    )
    organisation_is_public = (
        contact.organisation_id is not None
        and public_organisations().filter(pk=contact.organisation_id).exists()
    )
    response = HttpResponse(
        contact.as_vcard(with_organisation=organisation_is_public),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{contact.vcard_filename}"'
    return response


class PressKitView(KeptCountMixin, ListView):
    """Press photos from published releases, newest first, free to download with credit."""

    template_name = "media/presskit.html"
    context_object_name = "photo_links"
    paginate_by = 24

    def get_queryset(self):
        return (
            ReleaseImage.objects.filter(
                # A join, not an IN over every published release's id (slow at 100,000).
                release__status__in=PressRelease.RELEASED,
                release__publish_at__lte=timezone.now(),
            )
            .select_related("image", "release")
            .prefetch_related("image__renditions")
            .order_by("-release__publish_at", "order", "pk")
        )


class ReleasePressKitView(DetailView):
    template_name = "media/release_presskit.html"
    context_object_name = "release"

    def get_queryset(self):
        return PressRelease.objects.published().for_listing()


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /forhaandsvisning/",
        "Disallow: /abonnement/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
