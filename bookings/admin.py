from django.contrib import admin

from bookings.models import Membership, Organisation, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "business_id", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "business_id"]
    inlines = [UnitInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [MembershipInline]
