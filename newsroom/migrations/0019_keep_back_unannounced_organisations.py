"""Organisations that only releases the public has not seen yet name, and that no public
person's career shows either, are kept back until a release about them is out (see
newsroom.signals): so an undated role added later cannot announce them early."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

RELEASED = ("scheduled", "embargoed", "published")


def keep_back(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    PressRelease = apps.get_model("newsroom", "PressRelease")
    ReleaseOrganisation = apps.get_model("newsroom", "ReleaseOrganisation")
    ReleasePerson = apps.get_model("newsroom", "ReleasePerson")
    Position = apps.get_model("people", "Position")

    published = PressRelease.objects.filter(status__in=RELEASED, publish_at__lte=timezone.now())
    announced = PressRelease.objects.filter(Q(pk__in=published) | Q(was_public=True))
    coming = PressRelease.objects.exclude(pk__in=announced)

    def linked(releases):
        about = ReleaseOrganisation.objects.filter(
            organisation=OuterRef("pk"), release__in=releases
        )
        return Exists(about) | Exists(releases.filter(byline=OuterRef("pk")))

    in_published = ReleasePerson.objects.filter(person=OuterRef("person"), release__in=published)
    public_careers = Position.objects.filter(organisation=OuterRef("pk")).filter(
        Q(person__is_public=True) | Exists(in_published)
    )
    Organisation.objects.filter(linked(coming)).exclude(linked(announced)).exclude(
        Exists(public_careers)
    ).update(kept_back=True)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0018_topic_name_en"),
        ("organisations", "0004_kept_back"),
        ("people", "0005_person_is_public"),
    ]

    operations = [migrations.RunPython(keep_back, migrations.RunPython.noop)]
