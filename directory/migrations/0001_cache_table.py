"""The embedded shared cache's table (CACHE_URL unset: Django's database cache, directory/settings.py).

Created whatever CACHE_URL says today, so a site can drop back to the embedded cache without another step.
"""

from django.core.management import call_command
from django.db import migrations

# directory.settings.CACHE_TABLE; a migration must not import the settings module.
CACHE_TABLE = "many_paths_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
