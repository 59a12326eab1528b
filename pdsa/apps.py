from __future__ import annotations

from django.apps import AppConfig

AUDIT_MESSAGES = {
    "bsc.pdsa.cycle_created": "planned the PDSA cycle “{title}” of “{team}”",
    "bsc.pdsa.cycle_changed": "changed the {stage} of the PDSA cycle “{title}” of “{team}”",
    "bsc.pdsa.cycle_moved": "moved the PDSA cycle “{title}” of “{team}” to {status}",
    "bsc.pdsa.cycle_deleted": "deleted the draft PDSA cycle “{title}” of “{team}”",
    "bsc.pdsa.attachment_added": "attached “{file_name}” to the PDSA cycle “{title}”",
    "bsc.pdsa.attachment_removed": "removed “{file_name}” from the PDSA cycle “{title}”",
}


class PdsaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pdsa"
    verbose_name = "PDSA cycles"

    def ready(self) -> None:
        from bsc.audit_messages import MESSAGES

        for action, message in AUDIT_MESSAGES.items():
            MESSAGES.setdefault(action, message)
