"""Who protects a child (legal guardian, child protection officer, ...) says what happened to
the family: encrypt the relationship of every existing guardian. Needs the key ring when there
are rows to convert; reversible."""

import amparo.protection.fields
from django.db import migrations, models

from amparo.protection import crypto


def encrypt_relationships(apps, schema_editor):
    Guardian = apps.get_model("casework", "Guardian")
    for row in Guardian.objects.only("pk", "relationship").iterator(chunk_size=500):
        if row.relationship:
            value = crypto.encrypt(row.relationship)
            Guardian.objects.filter(pk=row.pk).update(relationship=value)


def decrypt_relationships(apps, schema_editor):
    Guardian = apps.get_model("casework", "Guardian")
    for row in Guardian.objects.only("pk", "relationship").iterator(chunk_size=500):
        if row.relationship:
            value = crypto.decrypt(row.relationship)
            Guardian.objects.filter(pk=row.pk).update(relationship=value)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [
        migrations.AlterField(model_name="guardian", name="relationship", field=models.TextField()),
        migrations.RunPython(encrypt_relationships, decrypt_relationships),
        migrations.AlterField(
            model_name="guardian",
            name="relationship",
            field=amparo.protection.fields.EncryptedTextField(),
        ),
    ]
