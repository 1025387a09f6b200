"""Pledge fields (Partner2Connect), the change log of the in-memory facet index, and the Chinese character
pairs of the search documents. Schema only: the database-side parts are in 0004."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_search_indexes")]

    operations = [
        migrations.CreateModel(
            name="IndexChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("initiative_id", models.BigIntegerField()),
                ("stamp", models.CharField(max_length=40)),
            ],
        ),
        migrations.AddField(
            model_name="initiative",
            name="beneficiaries",
            field=models.JSONField(blank=True, default=list, verbose_name="beneficiary groups"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="pillar",
            field=models.CharField(blank=True, max_length=100, verbose_name="pillar"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="pledge_targets",
            field=models.JSONField(blank=True, default=list, verbose_name="pledge targets"),
        ),
        migrations.AddField(
            model_name="initiative",
            name="pledge_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("programmatic", "Programmatic"),
                    ("advocacy", "Advocacy"),
                    ("policy", "Policy"),
                    ("financial", "Financial"),
                ],
                max_length=16,
                verbose_name="pledge type",
            ),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="pledge_value_usd",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=16, null=True, verbose_name="pledged value (USD)"
            ),
        ),
        migrations.AddField(model_name="searchdocument", name="zh_grams", field=models.TextField(default="")),
    ]
