"""The site's URLs with local media served, as under SERVE_MEDIA (DEBUG, `make run`)."""

from newsroom.urls import media_urlpatterns
from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [*media_urlpatterns(), *site_urlpatterns]
