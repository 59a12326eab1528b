"""Sharing across teams: the collaborative's feed (posts, comments), e-mail about it, resources.

The feed is the collaborative's shared space: every participant reads every post. Who wrote a
team's post is shown under the data-sharing rule (``collaboratives.selectors.sharing``).
Removing a post or a comment keeps the row (so a thread keeps its shape) and clears its text.

E-mail about the feed is sent exactly once per (recipient, post or comment) and once per
(recipient, collaborative, day) for the daily digest: a unique delivery row is created in the
same transaction as the post, and a sender claims it with a conditional update before sending
(the pattern of ``measures.models.reminders``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager

from collaboratives.models.core import Collaborative


class PostKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "Announcement"
    WIN = "win", "Win"
    QUESTION = "question", "Question"
    LESSON = "lesson", "Lesson learned"


class Post(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=20, choices=PostKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        help_text="The team the post speaks for; none for faculty and staff.",
    )
    pinned = models.BooleanField(default=False, help_text="Announcements only: shown first.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["collaborative", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pinned=False) | Q(kind=PostKind.ANNOUNCEMENT),
                name="post_only_announcements_pinned",
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True) | ~Q(kind=PostKind.ANNOUNCEMENT),
                name="post_announcement_has_no_team",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Removed post {self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Comment(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The commenter's team in this collaborative; none for faculty and staff.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.post_id}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class NotificationFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "Right away, one e-mail per post or reply"
    DAILY = "daily", "A daily digest"
    OFF = "off", "No e-mail"


class FeedPreference(models.Model):
    """How one person hears about one collaborative's feed. No row: the daily digest."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="feed_preferences"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(
        max_length=20, choices=NotificationFrequency.choices, default=NotificationFrequency.DAILY
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "user"], name="feed_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} hears about {self.collaborative}: {self.frequency}"


class FeedDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not needed any more"


class FeedNotification(models.Model):
    """One immediate e-mail: a new post (``comment`` empty) or a new comment, to one person."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=FeedDeliveryStatus.choices, default=FeedDeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(comment__isnull=True),
                name="feed_notification_post_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(comment__isnull=False),
                name="feed_notification_comment_once",
            ),
        ]

    def __str__(self) -> str:
        what = f"comment {self.comment_id}" if self.comment_id else f"post {self.post_id}"
        return f"E-mail about {what} to {self.recipient_id}"


class FeedDigest(models.Model):
    """One person's daily digest of one collaborative's feed for one day, sent once."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(help_text="The day (organization's time zone) the digest covers.")
    status = models.CharField(
        max_length=20, choices=FeedDeliveryStatus.choices, default=FeedDeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "recipient", "day"], name="feed_digest_once"
            )
        ]

    def __str__(self) -> str:
        return f"Feed digest of {self.day} to {self.recipient_id}"


class ResourceKind(models.TextChoices):
    AGENDA = "agenda", "Agenda"
    STORYBOARD = "storyboard", "Storyboard"
    TOOLKIT = "toolkit", "Toolkit item"
    LINK = "link", "Link"
    OTHER = "other", "Other"


class Resource(models.Model):
    """An item of the resource library: an uploaded file or a link, never both."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    file = models.FileField(upload_to="resources/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.URLField("link", max_length=1000, blank=True)
    session = models.ForeignKey(
        "collaboratives.LearningSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        help_text="Whose storyboard it is.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["collaborative", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="resource_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return bool(self.url)
