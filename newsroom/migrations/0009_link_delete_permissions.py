"""Editors and Publishers may remove rows they may add: a person, organisation, photo or contact
from a release, and a position from a person. Without the delete right the admin drops the
"Delete" tick silently and the row stays."""

from django.db import migrations

REMOVABLE = {
    "newsroom": ["releaseperson", "releaseorganisation", "releaseimage", "releasecontact"],
    "people": ["position"],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=f"delete_{model}")
        for app_label, models in REMOVABLE.items()
        for model in models
    ]
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"delete_{model}" for models in REMOVABLE.values() for model in models]
    permissions = Permission.objects.filter(codename__in=codenames)
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0008_title_300_single_line"),
        ("people", "0003_position_kinds_council"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
