"""Editors and Publishers write quotes as they write the rest of a release."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("newsroom")
    historical = getattr(app_config, "models_module", None) is None
    if historical:  # create_permissions skips an app without a models module
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if historical:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="newsroom", codename__in=[f"{a}_quote" for a in ACTIONS]
    )
    for group in Group.objects.filter(name__in=["Editor", "Publisher"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="newsroom", codename__in=[f"{a}_quote" for a in ACTIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0012_quotes")]

    operations = [migrations.RunPython(grant, revoke)]
