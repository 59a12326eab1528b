"""Django admin for site operators (superusers). Tenant data is shown unscoped, visibly."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Invitation, Membership, Organization, User


class UnscopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        with scopes_disabled():
            return self.model._default_manager.with_scopes_disabled().all()

    def changeform_view(self, *args: Any, **kwargs: Any) -> Any:
        with scopes_disabled():
            return super().changeform_view(*args, **kwargs)

    def changelist_view(self, *args: Any, **kwargs: Any) -> Any:
        with scopes_disabled():
            return super().changelist_view(*args, **kwargs)

    def delete_view(self, *args: Any, **kwargs: Any) -> Any:
        with scopes_disabled():
            return super().delete_view(*args, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active", "is_staff"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(UnscopedAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(UnscopedAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organization"]
    search_fields = ["email"]
    readonly_fields = ["nonce", "accepted_by", "accepted_at", "replaced_by", "sent_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(UnscopedAdmin):
    list_display = ["name", "prefix", "user", "organization", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "token_hash", "last_used_at"]
    search_fields = ["name", "user__email"]
