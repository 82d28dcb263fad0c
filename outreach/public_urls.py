from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("afmeld/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
