from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What the roles may do here: both keep the media lists and send pitches (sending before
# publication, with embargo links, is checked as a Publisher's right in outreach.pitches);
# only a Publisher deletes, exports or erases a journalist's data.
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("medialist", "contact", "pitch")
    for action in ("view", "add", "change")
] + ["view_pitchdelivery"]
PUBLISHER_PERMISSIONS = EDITOR_PERMISSIONS + [
    "delete_medialist",
    "delete_contact",
    "delete_pitch",
    "view_suppression",
    "delete_suppression",
]


def grant_roles(sender, apps=None, **kwargs):
    from django.contrib.auth.models import Group, Permission

    for group_name, codenames in (
        ("Editor", EDITOR_PERMISSIONS),
        ("Publisher", PUBLISHER_PERMISSIONS),
    ):
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="outreach", codename__in=codenames
                )
            )


class OutreachConfig(AppConfig):
    """Reaching journalists: the press office's own media lists and pitches."""

    name = "outreach"
    verbose_name = _("Journalists and pitches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_roles, sender=self, dispatch_uid="outreach-roles")
