"""The starting lists a bank needs: experience areas, kinds of work, languages, privacy notice 1."""

from datetime import date

from django.db import migrations

AREAS = [
    # slug, fi, sv, en, heavy
    ("substance-use", "Päihteet", "Missbruk", "Substance use", True),
    ("mental-health", "Mielenterveys", "Psykisk hälsa", "Mental health", True),
    ("gambling", "Rahapelaaminen", "Penningspel", "Gambling", False),
    ("homelessness", "Asunnottomuus", "Bostadslöshet", "Homelessness", False),
    ("criminal-sanctions", "Rikosseuraamukset", "Brottspåföljder", "Criminal sanctions", True),
    ("child-welfare", "Lastensuojelu", "Barnskydd", "Child welfare", True),
    ("youth", "Nuoruus", "Ungdom", "Youth", False),
    ("family", "Perhe ja vanhemmuus", "Familj och föräldraskap", "Family and parenting", False),
    ("disability", "Vammaisuus", "Funktionsnedsättning", "Disability", False),
    ("long-term-illness", "Pitkäaikaissairaus", "Långvarig sjukdom", "Long-term illness", False),
    ("social-services", "Sosiaalipalvelut", "Socialtjänster", "Social services", False),
    ("violence", "Väkivalta", "Våld", "Violence", True),
]

WORK_KINDS = [
    # code, fi, sv, en, Incomes Register income type
    ("talk", "Puheenvuoro", "Föredrag", "Talk", "214"),
    (
        "training",
        "Ammattilaisten koulutus",
        "Utbildning av yrkesfolk",
        "Training of professionals",
        "214",
    ),
    ("customer-panel", "Asiakasraati", "Kundråd", "Customer panel", "210"),
    (
        "service-development",
        "Palvelujen kehittäminen",
        "Utveckling av tjänster",
        "Service development",
        "210",
    ),
    ("peer-support", "Vertaistuki", "Kamratstöd", "Peer support", "217"),
    ("co-teaching", "Yhteisopettajuus", "Samundervisning", "Co-teaching", "214"),
    ("media", "Media", "Media", "Media", "214"),
]

LANGUAGES = [
    ("fi", "suomi", "finska", "Finnish"),
    ("sv", "ruotsi", "svenska", "Swedish"),
    ("en", "englanti", "engelska", "English"),
    ("se", "saame", "samiska", "Sámi"),
    ("ru", "venäjä", "ryska", "Russian"),
    ("et", "viro", "estniska", "Estonian"),
    ("uk", "ukraina", "ukrainska", "Ukrainian"),
    ("ar", "arabia", "arabiska", "Arabic"),
    ("so", "somali", "somaliska", "Somali"),
    ("fi-selko", "selkosuomi", "lättläst finska", "Plain Finnish"),
]


def forwards(apps, schema_editor):
    ExperienceArea = apps.get_model("experts", "ExperienceArea")
    WorkKind = apps.get_model("experts", "WorkKind")
    Language = apps.get_model("experts", "Language")
    PrivacyNotice = apps.get_model("experts", "PrivacyNotice")
    for order, (slug, fi, sv, en, heavy) in enumerate(AREAS):
        ExperienceArea.objects.get_or_create(
            slug=slug,
            defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "heavy": heavy, "order": order},
        )
    for order, (code, fi, sv, en, income_type) in enumerate(WORK_KINDS):
        WorkKind.objects.get_or_create(
            code=code,
            defaults={
                "name_fi": fi,
                "name_sv": sv,
                "name_en": en,
                "income_type": income_type,
                "order": order,
            },
        )
    for order, (code, fi, sv, en) in enumerate(LANGUAGES):
        Language.objects.get_or_create(
            code=code, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "order": order}
        )
    PrivacyNotice.objects.get_or_create(
        version="1.0",
        defaults={
            "published_on": date(2026, 1, 1),
            "summary": "Tietosuojaseloste: kokemusasiantuntijapankin asiantuntijarekisteri.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
