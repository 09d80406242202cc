"""A КТП topic keeps the section of the programme it belongs to (issue 20).

КТП files — a school's template, the constructor's tables — group their lessons under section rows («Раздел 1.
Натуральные числа (43 ч)»). One text field on the topic keeps that heading: the КТП page groups topics by it, a
re-import compares it, and a spread тематическое планирование names its lessons' topic there. Empty for topics
entered by hand or imported before; nothing in the journal's rules reads it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0011_guardianship_pair_fixed"),
    ]

    operations = [
        migrations.AddField(
            model_name="plannedtopic",
            name="section",
            field=models.CharField(blank=True, default="", max_length=500, verbose_name="раздел"),
        ),
    ]
