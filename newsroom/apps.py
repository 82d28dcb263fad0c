from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# Everything a public page shows: a save or delete of any of these starts a new page-cache
# generation (newsroom.cache). Subscriptions, alerts and preview openings are not shown.
PUBLIC_CONTENT = [
    "newsroom.PressRelease",
    "newsroom.Topic",
    "newsroom.ReleasePerson",
    "newsroom.ReleaseOrganisation",
    "newsroom.ReleaseImage",
    "newsroom.ReleaseContact",
    "newsroom.ReleaseSlug",
    "newsroom.ReleaseSource",
    "newsroom.Correction",
    "newsroom.Quote",
    "people.Person",
    "people.Position",
    "organisations.Organisation",
    "media.Image",
    "media.Rendition",
    "media.Document",
    "media.MediaContact",
]


def _deployed(**kwargs):
    from django.db import DatabaseError

    from common.generation import content_changed

    try:
        content_changed()
    except DatabaseError:  # migrated back to before the content version existed
        pass


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Press releases")

    def ready(self):
        from django.apps import apps

        from newsroom import signals
        from newsroom.cache import content_changed

        # django-tasks-db calls itself "Tasks Database Backend" in the admin: staff see the
        # e-mails and alert rounds the worker runs.
        if "django_tasks_database" in apps.app_configs:
            apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")

        # A deploy (which migrates) may bring new templates: kept parts are rendered afresh.
        post_migrate.connect(_deployed, sender=self, dispatch_uid="kept-parts-after-migrate")
        for label in PUBLIC_CONTENT:
            model = apps.get_model(label)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"cache-{label}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"cache-d-{label}")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    content_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"cache-m2m-{label}-{field.name}",
                )
        # A new organisation named first by a coming release is kept back until it is out.
        post_save.connect(
            signals.organisation_linked,
            sender=apps.get_model("newsroom.ReleaseOrganisation"),
            dispatch_uid="keep-back-about",
        )
        post_save.connect(
            signals.release_saved,
            sender=apps.get_model("newsroom.PressRelease"),
            dispatch_uid="keep-back-byline",
        )
        m2m_changed.connect(
            signals.organisations_added,
            sender=apps.get_model("newsroom.ReleaseOrganisation"),
            dispatch_uid="keep-back-about-m2m",
        )
