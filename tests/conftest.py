import pytest

from newsroom.demo.seed import load_demo
from tests.worker import use_database_tasks


@pytest.fixture
def database_tasks(settings):
    """Tasks go into the database (django-tasks-db, as in production) for a worker to run."""
    use_database_tasks(settings)


@pytest.fixture
def seed_release(db):
    return load_demo()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def _staff_in_group(django_user_model, username, group_name):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _staff_in_group(django_user_model, "editor-user", "Editor")


@pytest.fixture
def publisher(db, django_user_model):
    return _staff_in_group(django_user_model, "publisher-user", "Publisher")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (throttle counters live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
