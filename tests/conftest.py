import pytest

from newsroom.demo.seed import load_demo


@pytest.fixture
def seed_release(db):
    return load_demo()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client
