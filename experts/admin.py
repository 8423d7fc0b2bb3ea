from django.contrib import admin

from experts.models import Expert


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["__str__", "public_alias", "municipality", "status"]
    list_filter = ["status", "municipality"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "public_alias"]
    raw_id_fields = ["user"]
