"""The append-only audit log.

Services write an entry with ``log_action`` inside the same transaction as the
change they make, so a change and its record commit or roll back together.
Signals are not used: a log entry must say who acted and why, which only the
service knows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager


class AppendOnlyError(Exception):
    pass


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")


class AuditEntry(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(AuditEntryQuerySet)
    )

    class Meta:
        app_label = "bsc"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor or 'system'} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def description(self) -> str:
        from bsc.audit_messages import describe

        return describe(self)


def person_of(actor: Any) -> Any | None:
    """The user behind ``actor``: an API token's user, the user itself, or None for the system."""
    from accounts.models import ApiToken

    if isinstance(actor, ApiToken):
        return actor.user
    return actor if getattr(actor, "is_authenticated", False) else None


def log_action(
    *,
    organization: Any,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``target``. Call inside the change's transaction.

    ``actor`` is a user, or an ``ApiToken`` when the change came through the API.
    """
    from accounts.models import ApiToken

    token = actor if isinstance(actor, ApiToken) else None
    user = person_of(actor)
    return AuditEntry.objects.create(
        organization=organization,
        actor=user,
        actor_token=token,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
    )
