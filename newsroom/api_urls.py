from django.urls import path

from newsroom import api

app_name = "api"

urlpatterns = [
    path("", api.openapi, name="openapi"),
    path("openapi.json", api.openapi, name="openapi-json"),
    path("releases/", api.releases, name="releases"),
    path("releases/<slug:slug>/", api.release_detail, name="release-detail"),
    path("people/", api.people, name="people"),
    path("people/<slug:slug>/", api.person_detail, name="person-detail"),
    path("organisations/", api.organisations, name="organisations"),
    path("organisations/<slug:slug>/", api.organisation_detail, name="organisation-detail"),
    path("topics/", api.topics, name="topics"),
    path("topics/<slug:slug>/", api.topic_detail, name="topic-detail"),
]
