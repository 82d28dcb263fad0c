from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ContentVersion(models.Model):
    """One row whose number moves with every change to what the public sees (see
    common.generation.content_changed). Rendered parts of pages are kept under the number they
    were rendered at, so an edit on any machine makes every machine render them afresh; being
    in the database, it needs no cache server to be shared."""

    ROW = 1

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"content version {self.number}"

    @classmethod
    def move_on(cls) -> None:
        # Inside the saving transaction: whoever reads the new number also sees the change.
        moved = cls.objects.filter(pk=cls.ROW).update(
            number=models.F("number") + 1, changed_at=timezone.now()
        )
        if not moved:
            # A row deleted by hand: start far above any number parts were filed under.
            number = int(timezone.now().timestamp() * 1000)
            cls.objects.get_or_create(pk=cls.ROW, defaults={"number": number})
