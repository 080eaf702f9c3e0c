# Data sources belong to the interop app now (interop.models.DataSource). The table stays where it is and keeps
# its name: this migration only forgets the model in the meetings app's state; interop's 0001 takes it over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0011_conference_url_web_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataSource")],
            database_operations=[],
        ),
    ]
