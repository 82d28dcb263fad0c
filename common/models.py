from django.db import models, transaction
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
        """Move the number inside the saving transaction: whoever reads the new number also
        sees the change. Where another saving transaction holds the row (it moves the number
        at its own commit), this one does not wait for it while holding its own rows, which
        could deadlock; it moves the number again once committed, waiting then, holding
        nothing, before its save is answered."""
        with transaction.atomic():
            free = cls.objects.select_for_update(skip_locked=True).filter(pk=cls.ROW)
            if free.exists():
                cls._move()
                return
        if cls.objects.filter(pk=cls.ROW).exists():
            transaction.on_commit(cls._move)
            return
        # A row deleted by hand: start far above any number parts were filed under.
        number = int(timezone.now().timestamp() * 1000)
        cls.objects.get_or_create(pk=cls.ROW, defaults={"number": number})

    @classmethod
    def _move(cls) -> None:
        cls.objects.filter(pk=cls.ROW).update(
            number=models.F("number") + 1, changed_at=timezone.now()
        )
