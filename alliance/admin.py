"""Admin for commissioners. Every save goes through the same services as the API."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from alliance import access
from alliance.models import Membership, Organisation, User, Ward
from alliance.services.memberships import membership_add, membership_remove
from alliance.services.organisations import (
    EDITABLE_FIELDS,
    organisation_create,
    organisation_update,
)
from config.errors import DomainError


class CommissionersOnly:
    """Staff who are not commissioners (or superusers) see nothing here."""

    def _may(self, request) -> bool:
        return request.user.is_superuser or (
            request.user.is_staff and access.is_commissioner(request.user)
        )

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(CommissionersOnly, BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["email", "full_name", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    fieldsets = (
        (None, {"fields": ("email", "username", "full_name", "password")}),
        ("Access", {"fields": ("is_active", "is_staff", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Ward)
class WardAdmin(CommissionersOnly, admin.ModelAdmin):
    list_display = ["name", "code", "boundary_year", "local_authority_name"]
    search_fields = ["name", "code"]
    list_filter = ["local_authority_name", "boundary_year"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    fields = ["user", "role", "added_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New members are added through the membership admin, which calls the service.
        return False


class ServiceForm(forms.ModelForm):
    """Runs the service while the form validates, so a broken rule shows on the form.

    The admin wraps the whole request in a transaction, so the service's write and the
    admin's log entry commit or roll back together."""

    by = None  # set per request by ServiceAdmin.get_form; subclasses define run_service

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.saved = self.run_service(cleaned)
        except DomainError as exc:
            for field, field_messages in exc.fields.items():
                self.add_error(field if field in self.fields else None, field_messages)
            self.add_error(None, exc.message)
        return cleaned

    def _post_clean(self):
        # Once the service has saved, Django would validate a second, unsaved copy against
        # the database and report the row just saved as a duplicate of itself.
        saved = getattr(self, "saved", None)
        if saved is None:
            super()._post_clean()
        else:
            self.instance = saved


class ServiceAdmin(CommissionersOnly, SimpleHistoryAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.by = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The service saved it during validation; the admin only needs its key.
        obj.pk = form.saved.pk


class OrganisationForm(ServiceForm):
    class Meta:
        model = Organisation
        fields = list(EDITABLE_FIELDS)

    def run_service(self, cleaned):
        data = {name: cleaned.get(name) for name in EDITABLE_FIELDS}
        if self.instance.pk:
            data = {name: data[name] for name in self.changed_data if name in data}
            return organisation_update(organisation=self.instance, by=self.by, data=data)
        return organisation_create(by=self.by, data=data)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    form = OrganisationForm
    list_display = ["name", "legal_form", "org_id", "ward", "values_signed_on"]
    list_filter = ["legal_form", "ward"]
    search_fields = ["name", "org_id", "charity_number", "company_number"]
    readonly_fields = ["org_id", "created_at", "updated_at"]
    inlines = [MembershipInline]


class MembershipForm(ServiceForm):
    class Meta:
        model = Membership
        fields = ["user", "organisation", "role"]

    def run_service(self, cleaned):
        return membership_add(
            organisation=cleaned["organisation"],
            by=self.by,
            email=cleaned["user"].email,
            role=cleaned["role"],
        )


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    form = MembershipForm
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["user", "organisation"]
    actions = ["remove_memberships"]

    def has_change_permission(self, request, obj=None):
        # A role is given or removed, never edited in place.
        return obj is None and self._may(request)

    @admin.action(description="Remove the selected roles")
    def remove_memberships(self, request, queryset):
        for membership in queryset.select_related("organisation"):
            try:
                membership_remove(membership=membership, by=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)


# Contracts, framework and returns live in their own module, registered with this one.
from alliance import admin_contracts, admin_returns  # noqa: E402, F401
