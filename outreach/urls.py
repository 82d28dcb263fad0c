"""The WebSub hub at /websub/ (outreach.websub), outside the language prefixes: the project's
URLconf includes this module by name."""

from django.urls import path

from outreach import views_websub

app_name = "websub"

urlpatterns = [
    path("", views_websub.hub, name="hub"),
]
