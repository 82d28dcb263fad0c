"""Bulk loads: rows written with PostgreSQL's COPY (the ORM's bulk_create elsewhere), and the
planner's statistics brought up to date afterwards.

A bulk load (seed_bench, import_feed, a restore) changes a table's size faster than
autovacuum notices: until it does, PostgreSQL plans with the empty table's statistics and the
newsroom answered its index and feeds 3 to 4 times slower (8.6 ms instead of 1.6 ms). So
whatever writes in bulk calls `analyze` on the tables it wrote.
"""

from django.core.management.color import no_style
from django.db import connections


def copy_objects(model, objects, using="default") -> int:
    """Insert unsaved instances whose primary keys are already set, as save() would write their
    columns (auto_now fields filled in), without save() or signals. PostgreSQL: one COPY;
    elsewhere bulk_create. Call `reset_sequences` after keys were chosen by hand."""
    db = connections[using]
    if db.vendor != "postgresql":
        created = 0
        objects = list(objects)
        for start in range(0, len(objects), 500):
            created += len(model.objects.using(using).bulk_create(objects[start : start + 500]))
        return created
    fields = list(model._meta.concrete_fields)
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
    written = 0
    with db.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]
                )
                written += 1
    return written


def next_ids(model, using="default") -> int:
    """The first primary key above every row's (keys for `copy_objects` start there)."""
    last = model.objects.using(using).order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models, using="default") -> None:
    """Each table's id sequence moved past the keys written by hand."""
    db = connections[using]
    statements = db.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with db.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _tables(models) -> list[str]:
    """The models' tables and their automatic many-to-many tables."""
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        tables += [
            field.remote_field.through._meta.db_table
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ]
    return list(dict.fromkeys(tables))


def analyze(*models, using="default") -> None:
    """Fresh planner statistics for the models' tables (and their many-to-many tables), as
    autovacuum would make some time later: a newsroom that has just moved in is fast from its
    first reader. Runs inside a transaction too."""
    db = connections[using]
    tables = _tables(models)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(db.ops.quote_name(t) for t in tables)}")
        elif db.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {db.ops.quote_name(table)}")


def vacuum(*models, using="default") -> None:
    """PostgreSQL's visibility map for the tables, as autovacuum would make it later: counts and
    the published ids in subqueries are then answered from the indexes alone. Outside a
    transaction only; elsewhere nothing."""
    db = connections[using]
    if db.vendor == "postgresql" and not db.in_atomic_block:
        with db.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(db.ops.quote_name(t) for t in _tables(models))}")
