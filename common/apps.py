from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs):
    # SQLite's lower() and LIKE fold ASCII only; searches need "Ærø" to find "ærø" too.
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "casefold", 1, lambda text: text.casefold() if text else text, deterministic=True
        )


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self):
        connection_created.connect(_register_sqlite_functions)
