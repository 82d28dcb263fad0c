from django.urls import path

from newsroom import feeds, views

app_name = "newsroom"

urlpatterns = [
    path("", views.ReleaseIndexView.as_view(), name="release-list"),
    path(
        "pressemeddelelser/<slug:slug>/", views.ReleaseDetailView.as_view(), name="release-detail"
    ),
    path("forhaandsvisning/<int:pk>/", views.ReleasePreviewView.as_view(), name="release-preview"),
    path("personer/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "organisationer/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("emner/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("pressefoto/<int:pk>/download/", views.image_download, name="image-download"),
    path("feeds/rss/", feeds.ReleaseFeed(), name="feed-rss"),
]
