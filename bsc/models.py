from __future__ import annotations

from bsc.audit import AuditEntry

__all__ = ["AuditEntry"]
