"""A factor code marked as a risk (recent_sexual_violence, ...) is special-category data:
encrypt the code of every existing finding, and keep one finding per factor through a keyed
hash instead of the code. Needs the key ring when there are rows to convert; reversible."""

import amparo.protection.fields
from django.db import migrations, models

from amparo.protection import crypto

PURPOSE = "assessment.factor"


def encrypt_codes(apps, schema_editor):
    FactorFinding = apps.get_model("assessment", "FactorFinding")
    for row in FactorFinding.objects.only("pk", "factor_code").iterator(chunk_size=500):
        FactorFinding.objects.filter(pk=row.pk).update(
            factor_code=crypto.encrypt(row.factor_code),
            factor_key=crypto.blind_index(row.factor_code, purpose=PURPOSE),
        )


def decrypt_codes(apps, schema_editor):
    FactorFinding = apps.get_model("assessment", "FactorFinding")
    for row in FactorFinding.objects.only("pk", "factor_code").iterator(chunk_size=500):
        FactorFinding.objects.filter(pk=row.pk).update(factor_code=crypto.decrypt(row.factor_code))


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="factorfinding", name="finding_one_per_factor"),
        migrations.AddField(
            model_name="factorfinding",
            name="factor_key",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="factorfinding", name="factor_code", field=models.TextField()
        ),
        migrations.RunPython(encrypt_codes, decrypt_codes),
        migrations.AlterField(
            model_name="factorfinding",
            name="factor_code",
            field=amparo.protection.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="factorfinding",
            name="factor_key",
            field=amparo.protection.fields.KeyedCodeField(
                editable=False, max_length=64, purpose=PURPOSE, source="factor_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="factorfinding",
            constraint=models.UniqueConstraint(
                fields=("assessment", "factor_key"), name="finding_one_per_factor"
            ),
        ),
    ]
