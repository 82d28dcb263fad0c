from django.urls import path, register_converter

from newsroom import feeds, views


class FeedFormatConverter:
    regex = "rss|atom|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class FeedScopeConverter(FeedFormatConverter):
    regex = "emner|organisationer|personer"


register_converter(FeedFormatConverter, "feed_format")
register_converter(FeedScopeConverter, "feed_scope")

app_name = "newsroom"

urlpatterns = [
    path("", views.ReleaseIndexView.as_view(), name="release-list"),
    path(
        "pressemeddelelser/<slug:slug>/", views.ReleaseDetailView.as_view(), name="release-detail"
    ),
    path("forhaandsvisning/<int:pk>/", views.ReleasePreviewView.as_view(), name="release-preview"),
    path("embargo/<str:token>/", views.EmbargoPreviewView.as_view(), name="embargo-preview"),
    # The preview's press photos and documents, for the journalist to prepare with.
    path(
        "embargo/<str:token>/pressefoto/<int:pk>/",
        views.embargo_image_download,
        name="embargo-image-download",
    ),
    path(
        "embargo/<str:token>/dokument/<int:pk>/",
        views.embargo_document_download,
        name="embargo-document-download",
    ),
    path("personer/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "organisationer/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("emner/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("pressefoto/<int:pk>/download/", views.image_download, name="image-download"),
    path("dokumenter/<int:pk>/download/", views.document_download, name="document-download"),
    path("pressemeddelelser/<slug:slug>/pdf/", views.release_pdf, name="release-pdf"),
    path(
        "pressemeddelelser/<slug:slug>/pressefotos/",
        views.ReleasePressKitView.as_view(),
        name="release-presskit",
    ),
    path("arkiv/", views.ArchiveIndexView.as_view(), name="archive"),
    path("arkiv/<int:year>/", views.YearArchiveView.as_view(), name="archive-year"),
    path("arkiv/<int:year>/<int:month>/", views.MonthArchiveView.as_view(), name="archive-month"),
    path("soeg/", views.SearchView.as_view(), name="search"),
    path("pressekontakter/", views.MediaContactListView.as_view(), name="contacts"),
    path("pressekontakter/<int:pk>/vcard/", views.media_contact_vcard, name="contact-vcard"),
    path("pressefotos/", views.PressKitView.as_view(), name="presskit"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("feeds/", views.FeedsPageView.as_view(), name="feeds"),
    path("abonnement/", views.SubscribeView.as_view(), name="subscribe"),
    path(
        "abonnement/bekraeft/<str:token>/",
        views.ConfirmSubscriptionView.as_view(),
        name="subscription-confirm",
    ),
    path(
        "abonnement/skift/<str:token>/",
        views.ManageSubscriptionView.as_view(),
        name="subscription-manage",
    ),
    path(
        "abonnement/afmeld/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="subscription-unsubscribe",
    ),
    path("feeds/<feed_format:format_name>/", feeds.feed_view, name="feed"),
    path(
        "feeds/<feed_scope:scope>/<slug:slug>/<feed_format:format_name>/",
        feeds.feed_view,
        name="scoped-feed",
    ),
]
