"""The values the 2026 re-check of the programs' facts changed, on databases loaded before it.

The fixture (fixtures/programs.json, loaded by natural key) carries the facts, texts and citations and
updates programs in place when loaded again; this migration moves only the values whose meaning changed
with the new choices (restricted, non-theistic, alcohol and other drugs) and the corrected facts, so that
a database that is not reloaded never shows NA's medication stance as "varies" or WFS's as unknown.
Programs missing from a database are skipped; running it again changes nothing.
"""

from django.db import migrations

CHANGES = {
    "na": {"medication": "restricted"},
    "women-for-sobriety": {"medication": "welcoming", "substances": "alcohol-and-drugs"},
    "mara": {"spiritual_basis": "unknown", "substances": "alcohol-and-drugs"},
    "recovery-dharma": {"abstinence": "required", "spiritual_basis": "non-theistic"},
    "refuge-recovery": {"spiritual_basis": "non-theistic"},
    "dra": {"founded": "1989", "substances": "alcohol-and-drugs"},
    "dtr": {"status": "uncertain", "substances": "alcohol-and-drugs"},
    "families-anonymous": {"substances": "any"},
    "lifering": {"substances": "alcohol-and-drugs"},
    "sos": {"substances": "alcohol-and-drugs"},
}


def forwards(apps, schema_editor):
    Program = apps.get_model("groups", "Program")
    for slug, values in CHANGES.items():
        Program.objects.filter(slug=slug).update(**values)


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_program_facts_v2")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
