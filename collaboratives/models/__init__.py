"""Collaboratives: the collaborative itself, its schedule, change package and pre-work."""

from __future__ import annotations

from collaboratives.models.change_package import ChangeIdea, Driver
from collaboratives.models.core import (
    AimGoal,
    Collaborative,
    CollaborativeRole,
    DataSharing,
    Kind,
    LeadershipRole,
    RunChartRules,
    Status,
)
from collaboratives.models.prework import Assignment, AssignmentCompletion, AssignmentKind
from collaboratives.models.schedule import (
    ActionPeriod,
    CalendarFeed,
    Call,
    CallAttendance,
    CallKind,
    CallSeries,
    LearningSession,
    SessionMaterial,
)
from collaboratives.models.sharing import (
    Comment,
    FeedDeliveryStatus,
    FeedDigest,
    FeedNotification,
    FeedPreference,
    NotificationFrequency,
    Post,
    PostKind,
    Resource,
    ResourceKind,
)

__all__ = [
    "ActionPeriod",
    "AimGoal",
    "Assignment",
    "AssignmentCompletion",
    "AssignmentKind",
    "CalendarFeed",
    "Call",
    "CallAttendance",
    "CallKind",
    "CallSeries",
    "ChangeIdea",
    "Collaborative",
    "CollaborativeRole",
    "Comment",
    "DataSharing",
    "Driver",
    "FeedDeliveryStatus",
    "FeedDigest",
    "FeedNotification",
    "FeedPreference",
    "Kind",
    "LeadershipRole",
    "LearningSession",
    "NotificationFrequency",
    "Post",
    "PostKind",
    "Resource",
    "ResourceKind",
    "RunChartRules",
    "SessionMaterial",
    "Status",
]
