"""Photos in rich text saved before the sanitiser kept CKEditor's class="image" lost it, and
CKEditor would read them back as inline images with loose caption text. Give them the class
back, so the next edit keeps the photo and its caption."""

import re

from django.db import migrations
from django.db.models import Q

BARE_PHOTO_FIGURE = re.compile(r"<figure>(\s*<img\b)")


def restore_image_class(apps, schema_editor):
    for app_label, model_name, fields in (
        ("newsroom", "PressRelease", ["body"]),
        ("organisations", "Organisation", ["about", "about_en"]),
    ):
        model = apps.get_model(app_label, model_name)
        has_bare_figure = Q()
        for name in fields:
            has_bare_figure |= Q(**{f"{name}__contains": "<figure><img"})
        for row in model.objects.filter(has_bare_figure).only("pk", *fields).iterator():
            changed = {
                name: BARE_PHOTO_FIGURE.sub(r'<figure class="image">\1', getattr(row, name) or "")
                for name in fields
            }
            model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0016_release_indexes"),
        ("organisations", "0003_language_versions"),
    ]

    operations = [migrations.RunPython(restore_image_class, migrations.RunPython.noop)]
