import django.contrib.postgres.search
from django.db import migrations

INDEX = "newsroom_pressrelease_search_gin"


def create_index_and_fill(apps, schema_editor):
    # GIN indexes and tsvector exist on PostgreSQL only; SQLite searches without them.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON newsroom_pressrelease USING gin (search_vector)"
    )
    schema_editor.execute(
        "UPDATE newsroom_pressrelease SET search_vector = "
        "setweight(to_tsvector('danish', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('danish', coalesce(lead, '')), 'B') || "
        "setweight(to_tsvector('danish', regexp_replace(coalesce(body, ''), '<[^>]+>', ' ', 'g')), 'C')"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0004_editor_and_publisher_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="pressrelease",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index_and_fill, drop_index),
    ]
