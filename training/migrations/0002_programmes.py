"""The three programmes every bank runs; coordinators may change their rules in the admin."""

from django.db import migrations

PROGRAMMES = [
    # code, kind, fi, sv, en, minimum attendance %, final assignment required
    (
        "basic",
        "basic",
        "Kokemusasiantuntijakoulutus",
        "Utbildning för erfarenhetsexperter",
        "Experience expert training",
        80,
        True,
    ),
    ("follow-up", "follow_up", "Jatkokoulutus", "Fortbildning", "Follow-up training", 75, False),
    ("supervision", "supervision", "Työnohjaus", "Arbetshandledning", "Work supervision", 0, False),
]

DESCRIPTIONS = {
    "basic": (
        "Koulutus antaa valmiudet kertoa omasta kokemuksesta turvallisesti ja tavoitteellisesti "
        "sekä toimia kokemusasiantuntijana koulutuksissa, asiakasraadeissa ja palvelujen "
        "kehittämisessä.",
        "Utbildningen ger färdigheter att berätta om den egna erfarenheten på ett tryggt och "
        "målinriktat sätt och att arbeta som erfarenhetsexpert i utbildningar, kundråd och "
        "utveckling av tjänster.",
        "The training prepares you to tell your own story safely and purposefully and to work "
        "as an experience expert in trainings, customer panels and service development.",
    ),
}


def forwards(apps, schema_editor):
    Programme = apps.get_model("training", "Programme")
    for order, (code, kind, fi, sv, en, percent, assignment) in enumerate(PROGRAMMES):
        description = DESCRIPTIONS.get(code, ("", "", ""))
        Programme.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_fi": fi,
                "name_sv": sv,
                "name_en": en,
                "order": order,
                "min_attendance_percent": percent,
                "final_assignment_required": assignment,
                "description_fi": description[0],
                "description_sv": description[1],
                "description_en": description[2],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
