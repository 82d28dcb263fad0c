"""Uploads on S3-compatible object storage, against a real S3 API (moto's server on 127.0.0.1).

The storage is configured exactly as production configures it: the S3_* environment variables
read by newsroom/settings.py. A press photo goes in through the admin (media.services.
image_process); its master and renditions land in the bucket as private objects, nothing else
does; pages link to the app's /media/ addresses, which send a reader on to a short-lived signed
URL of the bucket only while something public shows the file.
"""

import html
import re
import runpy
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from media.models import Image
from newsroom.models import ReleaseImage
from tests.deploy.support import BASE_DIR, free_port
from tests.factories import PressReleaseFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

BUCKET = "newsroom-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip(f"moto[server] and boto3 are needed for the S3 tests ({exc})")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - whatever keeps it from starting, say so
        pytest.skip(f"moto's S3 server did not start: {exc!r}")
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-north-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    # No bucket policy: objects are private, readers come with the app's signed URLs.
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storage(s3_endpoint, settings, monkeypatch):
    endpoint, client = s3_endpoint
    environment = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "eu-north-1",
        "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret",
        "CSP_IMG_SRC": endpoint,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # The production settings module, read afresh with these variables.
    production = runpy.run_path(str(BASE_DIR / "newsroom" / "settings.py"))
    assert production["STORAGES"]["default"]["BACKEND"] == "media.storage.PrivateS3Storage"
    settings.STORAGES = {**settings.STORAGES, "default": production["STORAGES"]["default"]}
    settings.SECURE_CSP = production["SECURE_CSP"]
    yield client
    for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=entry["Key"])


def bucket_keys(client) -> set[str]:
    return {entry["Key"] for entry in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
        assert response.status == 200
        return response.read()


def test_a_press_photo_uploaded_in_the_admin_lands_in_the_bucket_and_pages_show_its_urls(
    s3_storage, s3_endpoint, staff_client, client, django_capture_on_commit_callbacks
):
    endpoint, _ = s3_endpoint
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:media_image_add"),
            {
                "title": "Direktøren",
                "alt_text": "Direktøren ved sit skrivebord",
                "credit": "Foto: Camilla Hey",
                "caption": "",
                "usage_terms": "",
                "file": SimpleUploadedFile("Direktør.JPG", jpeg_bytes((2000, 1000))),
            },
        )
    assert response.status_code == 302, response.content[:2000]
    image = Image.objects.get()
    renditions = list(image.renditions.all())
    assert len(renditions) == 6

    # The stripped master and the six renditions are in the bucket; the upload as it came
    # (with its metadata) was deleted once the new files were committed.
    expected = {image.master.name, *(r.file.name for r in renditions)}
    assert image.master.name.startswith("photos/")
    assert all(r.file.name.startswith("renditions/") for r in renditions)
    assert bucket_keys(s3_storage) == expected

    # Private objects: no grant to everyone.
    for key in expected:
        grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
        assert not any("AllUsers" in str(grant.get("Grantee")) for grant in grants), key

    release = PressReleaseFactory(title="Ny direktør i skyen")
    ReleaseImage.objects.create(release=release, image=image, order=0)
    page = client.get(release.get_absolute_url())
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    shown = set(re.findall(r'(?:src|srcset|content)="([^"]+)"', text))
    shown_urls = {url.split(" ")[0] for value in shown for url in value.split(", ")}
    media_urls = {
        url.removeprefix("http://testserver") for url in shown_urls if "/media/" in url
    }
    assert not any(endpoint in url for url in shown_urls)  # never the bucket's own address
    # Every rendition of the lead photo is offered at the app's address, which sends the
    # reader on to a signed URL of the bucket that answers with the file's bytes.
    assert {r.file.url for r in renditions} <= media_urls
    for url in media_urls:
        key = url.removeprefix("/media/")
        assert key in expected, url
        answer = client.get(url)
        assert answer.status_code == 302, url
        signed = answer["Location"]
        assert signed.startswith(f"{endpoint}/{BUCKET}/{key}?") and "Signature" in signed
        stored = s3_storage.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert fetch(signed) == stored
    # The browser may follow them: the CSP names the bucket's origin.
    assert endpoint in page["Content-Security-Policy"]

    # The full-resolution download reads the master back from the bucket.
    download = client.get(reverse("newsroom:image-download", args=[image.pk]))
    assert download.status_code == 200
    master = s3_storage.get_object(Bucket=BUCKET, Key=image.master.name)["Body"].read()
    assert b"".join(download.streaming_content) == master
    assert master[:2] == b"\xff\xd8"

    # Withdrawn: the app no longer sends anyone on.
    release.status = release.Status.UNPUBLISHED
    release.save()
    for url in media_urls:
        assert Client().get(url).status_code == 404, url


def test_replacing_a_photo_removes_the_old_files_from_the_bucket(
    s3_storage, staff_client, django_capture_on_commit_callbacks
):
    from media.services import image_process

    with django_capture_on_commit_callbacks(execute=True):
        image = Image.objects.create(
            title="Før",
            alt_text="Et billede",
            credit="Fotograf",
            file=SimpleUploadedFile("a.jpg", jpeg_bytes((800, 600))),
        )
        image_process(image=image)
    before = bucket_keys(s3_storage)
    assert len(before) == 1 + 2 * 2  # master + 480/800 in JPEG and WebP

    with django_capture_on_commit_callbacks(execute=True):
        image.file = SimpleUploadedFile("b.jpg", jpeg_bytes((1200, 900)))
        image.save()
        image_process(image=Image.objects.get(pk=image.pk))
    after = bucket_keys(s3_storage)
    image.refresh_from_db()
    assert before.isdisjoint(after)
    assert after == {image.master.name, *(r.file.name for r in image.renditions.all())}
