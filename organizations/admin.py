from django.contrib import admin

from core.admin import ScopedAdmin

from .models import LeadingTeam, LeadingTeamMembership, Member, Organization, PartySmallGroup, Position


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    org_field = ""
    list_display = ("name", "code", "kind", "sector", "has_committee", "is_active")
    list_filter = ("kind", "sector", "has_committee")
    search_fields = ("name", "code")
    fields = ("name", "short_name", "code", "kind", "sector", "has_committee", "is_active")

    def has_add_permission(self, request):
        return False  # new nodes are added under a parent through the tree, keeping paths valid


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    list_display = ("name", "organization", "phone_masked", "is_probationary", "is_active")
    list_filter = ("is_probationary", "is_leading_cadre", "is_mobile", "is_active")
    search_fields = ("name",)
    readonly_fields = ("id_number_masked", "phone_masked")
    fields = (
        "organization",
        "small_group",
        "name",
        "gender",
        "id_number_masked",
        "phone_masked",
        "joined_on",
        "job_title",
        "is_probationary",
        "is_leading_cadre",
        "is_elderly_or_infirm",
        "is_mobile",
        "flow_direction",
        "flow_organization_name",
        "is_in_difficulty",
        "is_active",
    )
    raw_id_fields = ("organization", "small_group")

    def has_add_permission(self, request):
        return False  # members enter through the roster import or the secretary's form (ID validation)


@admin.register(Position)
class PositionAdmin(ScopedAdmin):
    list_display = ("organization", "member", "kind", "started_on", "ended_on")
    raw_id_fields = ("organization", "member")


@admin.register(PartySmallGroup)
class PartySmallGroupAdmin(ScopedAdmin):
    list_display = ("name", "organization")
    raw_id_fields = ("organization",)


class MembershipInline(admin.TabularInline):
    model = LeadingTeamMembership
    raw_id_fields = ("member",)
    extra = 0


@admin.register(LeadingTeam)
class LeadingTeamAdmin(ScopedAdmin):
    list_display = ("name", "organization")
    raw_id_fields = ("organization",)
    inlines = [MembershipInline]
