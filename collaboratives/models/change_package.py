"""The change package: aim -> primary drivers -> secondary drivers -> change ideas."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager

from collaboratives.models.core import Collaborative


class Driver(models.Model):
    """A primary driver (no parent) or a secondary driver (under a primary one)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="drivers"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None


class ChangeIdea(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="change_ideas"
    )
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="change_ideas")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    evidence = models.TextField("evidence or source", blank=True)
    resources = models.TextField(blank=True, help_text="Tools, links and readings, one per line.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title
