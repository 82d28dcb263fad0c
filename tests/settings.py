"""Settings for the test suite: production settings with test-only values filled in."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-test-media-"))
# One process, so its memory cache is shared by all: the suite (leak matrix included) runs
# with the page cache on.
os.environ.setdefault("PAGE_CACHE", "1")

from newsroom.settings import *  # noqa: E402,F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run at once in the request, as most tests expect; the worker tests switch to the
# database backend (the production setting) with the `database_tasks` fixture.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# The second factor for staff (accounts/) is off for the suite, so that its many tests signing
# in with force_login or a password keep testing what they test. The second factor's own
# tests (tests/accounts/) turn it on with override_settings(NEWSROOM_REQUIRE_MFA=True).
NEWSROOM_REQUIRE_MFA = False
# Pitches go out as fast as the test's mail server takes them.
PITCH_MAILS_PER_MINUTE = 0
