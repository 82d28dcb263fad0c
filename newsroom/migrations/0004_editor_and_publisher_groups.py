"""The two roles of a press office, as Django groups.

Editor: writes and edits drafts, keeps people, organisations and the media library.
Publisher: everything an Editor does, and schedules, publishes, unpublishes, corrects and
issues embargo preview links.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = {
    "newsroom": [
        "pressrelease",
        "topic",
        "releaseperson",
        "releaseorganisation",
        "releaseimage",
        "releasecontact",
    ],
    "people": ["person", "position"],
    "organisations": ["organisation"],
    "media": ["image", "document", "mediacontact"],
}
EDITOR_ACTIONS = ["add", "change", "view"]
PUBLISHER_EXTRA = [
    ("newsroom", "publish_pressrelease"),
    ("newsroom", "delete_pressrelease"),
    ("newsroom", "add_correction"),
    ("newsroom", "view_correction"),
    ("newsroom", "add_previewlink"),
    ("newsroom", "change_previewlink"),
    ("newsroom", "view_previewlink"),
    ("newsroom", "view_previewopening"),
    ("newsroom", "view_subscription"),
    ("newsroom", "delete_subscription"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        if getattr(app_config, "models_module", None) is None:  # historical registry
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        else:
            create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    editor_permissions = [
        permission(app_label, f"{action}_{model}")
        for app_label, models in CONTENT.items()
        for model in models
        for action in EDITOR_ACTIONS
    ]
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(editor_permissions)
    publisher, _ = Group.objects.get_or_create(name="Publisher")
    publisher.permissions.set(
        editor_permissions + [permission(app, codename) for app, codename in PUBLISHER_EXTRA]
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("media", "0003_public_master"),
        ("organisations", "0002_historicalorganisation"),
        ("people", "0002_historicalperson_historicalposition"),
        ("newsroom", "0003_alter_pressrelease_options_pressrelease_record_and_more"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
