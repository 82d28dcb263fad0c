from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from media.models import Image
from newsroom.feeds import feed_links
from newsroom.models import PressRelease, Topic
from organisations.models import Organisation
from people.models import Person, Position

PAGE_SIZE = 10


class ReleaseIndexView(ListView):
    template_name = "newsroom/pressrelease_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "releases"

    def get_queryset(self):
        return PressRelease.objects.published().for_listing()


class ReleaseDetailView(DetailView):
    template_name = "newsroom/pressrelease_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return PressRelease.objects.published().for_page()


@method_decorator([staff_member_required, never_cache], name="dispatch")
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


class ReleasesOfObjectView(ListView):
    """A person's, organisation's or topic's page: the object and its published releases."""

    paginate_by = PAGE_SIZE
    context_object_name = "releases"
    model_of_object = None
    release_filter = ""

    def get_object(self):
        return get_object_or_404(self.get_object_queryset(), slug=self.kwargs["slug"])

    def get_object_queryset(self):
        return self.model_of_object.objects.all()

    def get_queryset(self):
        self.object = self.get_object()
        return (
            PressRelease.objects.published()
            .filter(**{self.release_filter: self.object})
            .for_listing()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class PersonDetailView(ReleasesOfObjectView):
    template_name = "people/person_detail.html"
    model_of_object = Person
    release_filter = "people"

    def get_object_queryset(self):
        return Person.objects.prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("organisation"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["biography"] = self.object.biography_on(timezone.localdate())
        return context


class OrganisationDetailView(ReleasesOfObjectView):
    template_name = "organisations/organisation_detail.html"
    model_of_object = Organisation
    release_filter = "organisations"


class TopicDetailView(ReleasesOfObjectView):
    template_name = "newsroom/topic_detail.html"
    model_of_object = Topic
    release_filter = "topics"


def image_download(request, pk):
    """The original press photo, as an attachment named after its credit.

    Only photos on a published release are downloadable here.
    """
    image = get_object_or_404(
        Image.objects.filter(releases__in=PressRelease.objects.published()).distinct(), pk=pk
    )
    try:
        handle = image.file.open("rb")
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


class FeedsPageView(TemplateView):
    """Every feed URL, for journalists to copy into their readers."""

    template_name = "newsroom/feeds.html"

    def get_context_data(self, **kwargs):
        def scoped(objects):
            return [{"object": obj, "feeds": feed_links(obj)} for obj in objects]

        return super().get_context_data(
            site_feeds=feed_links(),
            topic_feeds=scoped(Topic.objects.all()),
            organisation_feeds=scoped(
                Organisation.objects.filter(
                    releases__in=PressRelease.objects.published()
                ).distinct()
            ),
            person_feeds=scoped(
                Person.objects.filter(releases__in=PressRelease.objects.published()).distinct()
            ),
            **kwargs,
        )
