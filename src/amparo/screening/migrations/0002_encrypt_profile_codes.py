"""Profile codes (trafficking, lgbti, ...) are special-category data: encrypt the code of every
existing decision, and keep one decision per profile through a keyed hash instead of the code.
Needs the key ring when there are rows to convert; reversible."""

import amparo.protection.fields
from django.db import migrations, models

from amparo.protection import crypto

PURPOSE = "screening.profile"


def encrypt_codes(apps, schema_editor):
    ProfileDecision = apps.get_model("screening", "ProfileDecision")
    for row in ProfileDecision.objects.only("pk", "code").iterator(chunk_size=500):
        ProfileDecision.objects.filter(pk=row.pk).update(
            code=crypto.encrypt(row.code), code_key=crypto.blind_index(row.code, purpose=PURPOSE)
        )


def decrypt_codes(apps, schema_editor):
    ProfileDecision = apps.get_model("screening", "ProfileDecision")
    for row in ProfileDecision.objects.only("pk", "code").iterator(chunk_size=500):
        ProfileDecision.objects.filter(pk=row.pk).update(code=crypto.decrypt(row.code))


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="profiledecision", name="decision_one_per_profile"),
        migrations.AddField(
            model_name="profiledecision",
            name="code_key",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(model_name="profiledecision", name="code", field=models.TextField()),
        migrations.RunPython(encrypt_codes, decrypt_codes),
        migrations.AlterField(
            model_name="profiledecision",
            name="code",
            field=amparo.protection.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="profiledecision",
            name="code_key",
            field=amparo.protection.fields.KeyedCodeField(
                editable=False, max_length=64, purpose=PURPOSE, source="code"
            ),
        ),
        migrations.AddConstraint(
            model_name="profiledecision",
            constraint=models.UniqueConstraint(
                fields=("screening", "code_key"), name="decision_one_per_profile"
            ),
        ),
    ]
