"""Security headers, login throttling and a clean `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def test_csp_on_public_pages_without_inline_script(client, seed_release):
    for url in ["/", seed_release.get_absolute_url(), "/feeds/", "/abonnement/", "/soeg/?q=los"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            # Only data (JSON-LD) or files from our own origin; never inline code.
            assert 'type="application/ld+json"' in tag or 'src="/static/' in tag, tag
        assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_has_csp_with_a_nonce(staff_client):
    response = staff_client.get(reverse("admin:newsroom_pressrelease_add"))
    assert response.status_code == 200
    assert "'nonce-" in response["Content-Security-Policy"]


def test_admin_login_is_throttled(client, django_user_model):
    django_user_model.objects.create_superuser("chef", "chef@example.org", "rigtig-kode-123")
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "chef", "password": "forkert"})
    response = client.post(login, {"username": "chef", "password": "rigtig-kode-123"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "presse.example.dk",
        "SITE_URL": "https://presse.example.dk",
        "HTTPS": "1",
        "DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "presse.example.dk",
    }
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    serve = subprocess.run(
        [sys.executable, "-c", "import newsroom.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert serve.returncode != 0
    assert "SECRET_KEY must be set" in serve.stderr
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deploy.returncode != 0
    assert "newsroom.E001" in deploy.stdout + deploy.stderr
    # Maintenance commands still work (migrations check in CI, hooks).
    migrations = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrations.returncode == 0, migrations.stderr
