from __future__ import annotations

from django.contrib import admin

from accounts.admin import UnscopedAdmin
from bsc.audit import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(UnscopedAdmin):
    list_display = ["created_at", "organization", "actor", "action", "target_repr"]
    list_filter = ["organization", "action"]
    search_fields = ["action", "target_repr", "actor__email"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
