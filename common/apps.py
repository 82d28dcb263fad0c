from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs):
    # SQLite's lower() and LIKE fold ASCII only; searches need "Ærø" to find "ærø" too.
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "casefold", 1, lambda text: text.casefold() if text else text, deterministic=True
        )


def _use_write_ahead_log(sender, connection, **kwargs):
    """SQLite in WAL mode lets the web server read while the alert worker writes. The mode is
    kept in the file, so it is switched once; asking again on every connection would need a
    moment alone with the file, and a busy one would answer "database is locked"."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    database = connection.connection
    (mode,) = database.execute("PRAGMA journal_mode").fetchone()
    if mode.lower() != "wal":
        database.execute("PRAGMA journal_mode=WAL")


def check_secret_key(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [
            Error(
                "SECRET_KEY is not set.",
                hint="Set the SECRET_KEY environment variable.",
                id="newsroom.E001",
            )
        ]
    return []


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self):
        connection_created.connect(_register_sqlite_functions)
        connection_created.connect(_use_write_ahead_log)
        register(check_secret_key, Tags.security, deploy=True)
        from django.db.models.signals import pre_save

        from common.text import clean_text_fields

        pre_save.connect(clean_text_fields, dispatch_uid="common.clean_text_fields")
