"""Sharing: every write of the feed and the resource library, and the e-mail about the feed.

Writes take the caller's ``access`` (``CollaborativeAccess``) and check the rules of
``collaboratives.selectors.sharing`` themselves, so a page and the API cannot disagree; a rule
the caller breaks raises ``PermissionDenied`` (403), bad input ``DomainError`` naming the field
(400), an archived collaborative ``ConflictError`` (409). Each write is atomic and audited.

E-mail, exactly once (style.md 3.5, as ``measures.reminders``):

- A new post, or a comment, creates one ``FeedNotification`` row per person who chose
  immediate e-mail (a comment: the post's author and earlier commenters) in the same
  transaction; the rows' unique constraints make a repeat find the same row; a send task is
  queued on commit for each.
- ``feed_digests_sweep`` (hourly, Celery beat) creates one ``FeedDigest`` row per person on the
  daily digest (the default) for the day before, in the organization's time zone, from
  ``DIGEST_HOUR`` on, when that day had posts or comments; and queues a send per row.
- A sender claims its row with a conditional update (pending, failed with attempts left, or a
  stale claim -> sending); only the caller that changed the row sends, then records the result.
  At send time it checks again that the recipient may still read the feed and still wants that
  e-mail (the digest: a participant who chose nothing else, or anyone who chose it).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.audit import log_action, person_of
from bsc.emails import absolute_url, send_templated_email
from bsc.exceptions import DomainError
from collaboratives.models import (
    Comment,
    FeedDeliveryStatus,
    FeedDigest,
    FeedNotification,
    FeedPreference,
    LearningSession,
    NotificationFrequency,
    Post,
    PostKind,
    Resource,
    ResourceKind,
)
from collaboratives.selectors import sharing as selectors
from collaboratives.services.core import ensure_not_archived
from collaboratives.uploads import RESOURCE_POLICY, check_upload
from teams.models import Team, TeamStatus

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess

logger = logging.getLogger(__name__)

TITLE_MAX = 200
BODY_MAX = 20_000
COMMENT_MAX = 10_000
DIGEST_HOUR = 7
STALE_CLAIM = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 6
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("Give the post a title.", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(f"Keep the title to {TITLE_MAX} characters.", field="title")
    return title


def _clean_body(body: str | None, *, field: str = "body", limit: int = BODY_MAX) -> str:
    body = (body or "").strip()
    if len(body) > limit:
        raise DomainError(f"Keep it to {limit:,} characters.", field=field)
    return body


# --- Posts ---------------------------------------------------------------------------------


def _post_team(
    collaborative: Collaborative, access: CollaborativeAccess, kind: str, team: Team | None
) -> Team | None:
    if kind == PostKind.ANNOUNCEMENT:
        if team is not None:
            raise DomainError(
                "Announcements come from the collaborative, not a team.", field="team"
            )
        return None
    if team is None:
        if selectors.is_leader(access):
            return None
        teams = selectors.own_teams(collaborative, access)
        if len(teams) == 1:
            return teams[0]
        raise DomainError("Choose the team you are posting for.", field="team")
    if team.collaborative_id != collaborative.pk or team.pk not in access.team_ids:
        raise DomainError("Choose one of your own teams.", field="team")
    if team.status != TeamStatus.ACTIVE:
        raise DomainError(f"{team.name} is not an active team, so it cannot post.", field="team")
    return team


def post_create(
    *,
    collaborative: Collaborative,
    access: CollaborativeAccess,
    actor: Any,
    kind: str,
    title: str,
    body: str = "",
    team: Team | None = None,
    pinned: bool = False,
) -> Post:
    ensure_not_archived(collaborative)
    if kind not in PostKind.values:
        raise DomainError("Choose what kind of post this is.", field="kind")
    if not selectors.can_post(access, kind):
        if kind == PostKind.ANNOUNCEMENT:
            raise _deny("Only faculty, chairs and staff post announcements.")
        raise _deny("Only the collaborative's teams, faculty and staff post here.")
    title = _clean_title(title)
    body = _clean_body(body)
    team = _post_team(collaborative, access, kind, team)
    if pinned and kind != PostKind.ANNOUNCEMENT:
        raise DomainError("Only announcements can be pinned.", field="pinned")
    with transaction.atomic():
        post = Post.objects.create(
            organization_id=collaborative.organization_id,
            collaborative=collaborative,
            kind=kind,
            title=title,
            body=body,
            author=person_of(actor),
            team=team,
            pinned=bool(pinned),
        )
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.sharing.post_created",
            target=post,
            data={"kind": kind, "team": team.name if team else None},
        )
        _notify_post(post)
    return post


def post_update(
    *,
    post: Post,
    access: CollaborativeAccess,
    actor: Any,
    title: str | None = None,
    body: str | None = None,
    pinned: bool | None = None,
) -> Post:
    """The author changes the title or the text; leaders (also) pin or unpin announcements."""
    ensure_not_archived(post.collaborative)
    changes: dict[str, Any] = {}
    text_changed = (title is not None and title.strip() != post.title) or (
        body is not None and body.strip() != post.body
    )
    if post.is_removed:
        raise DomainError("This post was removed, so it cannot be changed.", status=409)
    if text_changed and not selectors.can_edit_post(access, post):
        raise _deny("Only the author changes a post.")
    if pinned is not None and bool(pinned) != post.pinned:
        if not selectors.can_pin(access):
            raise _deny("Only faculty, chairs and staff pin announcements.")
        if pinned and post.kind != PostKind.ANNOUNCEMENT:
            raise DomainError("Only announcements can be pinned.", field="pinned")
        post.pinned = bool(pinned)
        changes["pinned"] = post.pinned
    if title is not None:
        post.title = _clean_title(title)
    if body is not None:
        post.body = _clean_body(body)
    if text_changed:
        post.edited_at = timezone.now()
        changes["text"] = True
    if not changes:
        return post
    with transaction.atomic():
        post.save()
        log_action(
            organization=post.collaborative.organization,
            actor=actor,
            action="bsc.sharing.post_updated",
            target=post,
            data=changes,
        )
    return post


def post_remove(*, post: Post, access: CollaborativeAccess, actor: Any) -> Post:
    """Soft delete: the post stays (its thread keeps its shape) without its title and text."""
    ensure_not_archived(post.collaborative)
    if post.is_removed:
        return post
    if not selectors.can_remove_post(access, post):
        raise _deny("Only the author, faculty, chairs and staff remove a post.")
    with transaction.atomic():
        old_title = post.title
        post.title = ""
        post.body = ""
        post.pinned = False
        post.removed_at = timezone.now()
        post.removed_by = person_of(actor)
        post.save()
        log_action(
            organization=post.collaborative.organization,
            actor=actor,
            action="bsc.sharing.post_removed",
            target=post,
            data={"title": old_title, "by_author": post.author_id == post.removed_by_id},
        )
    return post


# --- Comments ------------------------------------------------------------------------------


def comment_create(*, post: Post, access: CollaborativeAccess, actor: Any, body: str) -> Comment:
    ensure_not_archived(post.collaborative)
    if post.is_removed:
        raise DomainError("This post was removed, so it takes no more comments.", status=409)
    if not selectors.can_comment(access, post):
        raise _deny("Only the collaborative's teams, faculty and staff comment.")
    body = _clean_body(body, limit=COMMENT_MAX)
    if not body:
        raise DomainError("Write a comment first.", field="body")
    with transaction.atomic():
        comment = Comment.objects.create(
            organization_id=post.organization_id,
            post=post,
            body=body,
            author=person_of(actor),
            team_id=selectors.comment_team_for(post, access),
        )
        log_action(
            organization=post.collaborative.organization,
            actor=actor,
            action="bsc.sharing.comment_created",
            target=comment,
            data={"post": post.pk},
        )
        _notify_comment(comment)
    return comment


def comment_update(
    *, comment: Comment, access: CollaborativeAccess, actor: Any, body: str
) -> Comment:
    ensure_not_archived(comment.post.collaborative)
    if comment.is_removed:
        raise DomainError("This comment was removed, so it cannot be changed.", status=409)
    if not selectors.can_edit_comment(access, comment):
        raise _deny("Only the author changes a comment.")
    body = _clean_body(body, limit=COMMENT_MAX)
    if not body:
        raise DomainError("A comment cannot be empty; remove it instead.", field="body")
    if body == comment.body:
        return comment
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        log_action(
            organization=comment.post.collaborative.organization,
            actor=actor,
            action="bsc.sharing.comment_updated",
            target=comment,
            data={"post": comment.post_id},
        )
    return comment


def comment_remove(*, comment: Comment, access: CollaborativeAccess, actor: Any) -> Comment:
    ensure_not_archived(comment.post.collaborative)
    if comment.is_removed:
        return comment
    if not selectors.can_remove_comment(access, comment):
        raise _deny("Only the author, faculty, chairs and staff remove a comment.")
    with transaction.atomic():
        comment.body = ""
        comment.removed_at = timezone.now()
        comment.removed_by = person_of(actor)
        comment.save(update_fields=["body", "removed_at", "removed_by"])
        log_action(
            organization=comment.post.collaborative.organization,
            actor=actor,
            action="bsc.sharing.comment_removed",
            target=comment,
            data={"post": comment.post_id},
        )
    return comment


# --- Notification preference -------------------------------------------------------------


def preference_set(
    *, collaborative: Collaborative, access: CollaborativeAccess, actor: Any, frequency: str
) -> FeedPreference:
    """The caller's own choice for this collaborative's feed."""
    if frequency not in NotificationFrequency.values:
        raise DomainError("Choose right away, a daily digest, or no e-mail.", field="frequency")
    user = person_of(actor)
    if user is None or access.user_id is None:
        raise _deny("Sign in to choose your e-mail.")
    with transaction.atomic():
        preference, created = FeedPreference.objects.get_or_create(
            collaborative=collaborative,
            user=user,
            defaults={"organization_id": collaborative.organization_id, "frequency": frequency},
        )
        if not created and preference.frequency != frequency:
            preference.frequency = frequency
            preference.save(update_fields=["frequency", "updated_at"])
        elif not created:
            return preference
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.sharing.preference_set",
            target=collaborative,
            data={"frequency": frequency},
        )
    return preference


# --- Resources -----------------------------------------------------------------------------


def _clean_link(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise DomainError("Give a web address starting with https:// or http://.", field="url")
    if len(url) > 1000:
        raise DomainError("Keep the web address to 1,000 characters.", field="url")
    return url


def _delete_file_on_commit(storage: Storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def resource_create(
    *,
    collaborative: Collaborative,
    access: CollaborativeAccess,
    actor: Any,
    kind: str,
    title: str = "",
    description: str = "",
    upload: UploadedFile | None = None,
    url: str = "",
    session: LearningSession | None = None,
    team: Team | None = None,
) -> Resource:
    """Add a file (checked by content and size) or a link (http/https) to the library."""
    ensure_not_archived(collaborative)
    if kind not in ResourceKind.values:
        raise DomainError("Choose what kind of resource this is.", field="kind")
    if not selectors.can_add_resource(access, kind):
        if kind == ResourceKind.AGENDA:
            raise _deny("Only faculty, chairs and staff add agendas.")
        raise _deny("Only the collaborative's teams, faculty and staff add resources.")
    if upload is not None and (url or "").strip():
        raise DomainError("Upload a file or give a link, not both.", field="url")
    if upload is None and not (url or "").strip():
        raise DomainError("Upload a file or give a link.", field="file")
    if kind == ResourceKind.STORYBOARD:
        if team is None:
            teams = selectors.resource_teams(collaborative, access)
            if len(teams) == 1 and not selectors.is_leader(access):
                team = teams[0]
            else:
                raise DomainError("Choose whose storyboard this is.", field="team")
        allowed = {t.pk for t in selectors.resource_teams(collaborative, access)}
        if team.collaborative_id != collaborative.pk or team.pk not in allowed:
            raise DomainError("Choose one of your own teams.", field="team")
    elif team is not None:
        raise DomainError("Only storyboards belong to a team.", field="team")
    if session is not None and session.collaborative_id != collaborative.pk:
        raise DomainError("Choose a learning session of this collaborative.", field="session")
    description = _clean_body(description, field="description")
    checked = None
    if upload is not None:
        checked = check_upload(
            upload, name=upload.name or "", size=upload.size, policy=RESOURCE_POLICY
        )
        url = ""
    else:
        url = _clean_link(url)
    title = (title or "").strip() or (checked.file_name if checked else url)[:TITLE_MAX]
    if len(title) > TITLE_MAX:
        raise DomainError(f"Keep the title to {TITLE_MAX} characters.", field="title")
    resource = Resource(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        kind=kind,
        title=title,
        description=description,
        url=url,
        session=session,
        team=team,
        uploaded_by=person_of(actor),
    )
    stored = ""
    with transaction.atomic():
        if checked is not None and upload is not None:
            # A random name in storage: the uploader's name is kept only as file_name.
            resource.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
            stored = resource.file.name
            resource.file_name = checked.file_name
            resource.content_type = checked.content_type
            resource.size = checked.size
        try:
            resource.save()
            log_action(
                organization=collaborative.organization,
                actor=actor,
                action="bsc.sharing.resource_added",
                target=resource,
                data={
                    "kind": kind,
                    "file_name": resource.file_name,
                    "url": url,
                    "team": team.name if team else None,
                },
            )
        except Exception:
            if stored:
                resource.file.storage.delete(stored)
            raise
    return resource


_KEEP: Any = object()


def resource_update(
    *,
    resource: Resource,
    access: CollaborativeAccess,
    actor: Any,
    title: str | None = None,
    description: str | None = None,
    session: LearningSession | None = _KEEP,
) -> Resource:
    """Change a resource's title, description or learning session (not its file or link)."""
    collaborative = resource.collaborative
    ensure_not_archived(collaborative)
    if not selectors.can_change_resource(access, resource):
        raise _deny("Only the person who added it, or staff, change a resource.")
    changes: dict[str, Any] = {}
    if title is not None:
        title = title.strip()
        if not title:
            raise DomainError("Give the resource a title.", field="title")
        if len(title) > TITLE_MAX:
            raise DomainError(f"Keep the title to {TITLE_MAX} characters.", field="title")
        if title != resource.title:
            changes["title"] = title
    if description is not None:
        description = _clean_body(description, field="description")
        if description != resource.description:
            changes["description"] = description
    if session is not _KEEP:
        if session is not None and session.collaborative_id != collaborative.pk:
            raise DomainError("Choose a learning session of this collaborative.", field="session")
        if (session.pk if session else None) != resource.session_id:
            changes["session"] = session
    if not changes:
        return resource
    with transaction.atomic():
        for name, value in changes.items():
            setattr(resource, name, value)
        resource.save()
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.sharing.resource_updated",
            target=resource,
            data={"changed": sorted(changes)},
        )
    return resource


def resource_delete(*, resource: Resource, access: CollaborativeAccess, actor: Any) -> None:
    ensure_not_archived(resource.collaborative)
    if not selectors.can_delete_resource(access, resource):
        raise _deny("Only the person who added it, or staff, delete a resource.")
    with transaction.atomic():
        log_action(
            organization=resource.collaborative.organization,
            actor=actor,
            action="bsc.sharing.resource_deleted",
            target=resource,
            data={"title": resource.title, "kind": resource.kind, "file_name": resource.file_name},
        )
        name = resource.file.name if resource.file else ""
        storage = resource.file.storage
        resource.delete()
        _delete_file_on_commit(storage, name)


# --- Immediate e-mail ----------------------------------------------------------------------


def _create_notifications(post: Post, comment: Comment | None, user_ids: set[int]) -> None:
    if not user_ids:
        return
    FeedNotification.objects.bulk_create(
        [
            FeedNotification(
                organization_id=post.organization_id,
                collaborative_id=post.collaborative_id,
                recipient_id=user_id,
                post=post,
                comment=comment,
            )
            for user_id in sorted(user_ids)
        ],
        ignore_conflicts=True,
    )
    rows = FeedNotification.objects.filter(
        post=post, recipient_id__in=user_ids, status=FeedDeliveryStatus.PENDING
    )
    rows = rows.filter(comment=comment) if comment else rows.filter(comment__isnull=True)
    from collaboratives.tasks_sharing import feed_notification_send_task

    for pk in rows.values_list("pk", flat=True):
        feed_notification_send_task.delay_on_commit(
            organization_id=post.organization_id, notification_id=pk
        )


def _notify_post(post: Post) -> None:
    """Everyone who takes part and chose immediate e-mail, except the author."""
    immediate = selectors.users_with_frequency(post.collaborative, NotificationFrequency.IMMEDIATE)
    immediate.discard(post.author_id)
    _create_notifications(post, None, immediate)


def _notify_comment(comment: Comment) -> None:
    """The post's author and earlier commenters who chose immediate e-mail, except the writer."""
    post = comment.post
    involved = set(
        Comment.objects.filter(post=post, author__isnull=False)
        .exclude(pk=comment.pk)
        .values_list("author_id", flat=True)
    )
    if post.author_id:
        involved.add(post.author_id)
    involved.discard(comment.author_id)
    if not involved:
        return
    immediate = selectors.users_with_frequency(post.collaborative, NotificationFrequency.IMMEDIATE)
    _create_notifications(post, comment, involved & immediate)


def _claimable() -> Q:
    return (
        Q(status=FeedDeliveryStatus.PENDING)
        | Q(status=FeedDeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=FeedDeliveryStatus.SENDING, claimed_at__lt=timezone.now() - STALE_CLAIM)
    )


def _claim(model: Any, pk: int) -> bool:
    changed = (
        model.objects.filter(pk=pk)
        .filter(_claimable())
        .update(
            status=FeedDeliveryStatus.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=timezone.now(),
        )
    )
    return changed == 1


def _record(model: Any, pk: int, **fields: Any) -> None:
    model.objects.filter(pk=pk, status=FeedDeliveryStatus.SENDING).update(**fields)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _recipient_access(collaborative: Collaborative, user: Any) -> CollaborativeAccess | None:
    """The recipient's powers now, or None if they may no longer read the feed."""
    from bsc.tenancy import membership_for
    from collaboratives.permissions import VIEW_COLLABORATIVE, access_for

    if not user.is_active or not user.email:
        return None
    membership = membership_for(user, collaborative.organization)
    if membership is None:
        return None
    access = access_for(user, membership, collaborative)
    return access if access.has(VIEW_COLLABORATIVE) else None


def _wants_digest(collaborative: Collaborative, access: CollaborativeAccess) -> bool:
    """Participants get the digest unless they chose otherwise; other readers if they chose it."""
    row = FeedPreference.objects.filter(collaborative=collaborative, user_id=access.user_id).first()
    if row is not None:
        return row.frequency == NotificationFrequency.DAILY
    return selectors.is_participant(access)


def _feed_path(collaborative: Collaborative) -> str:
    return reverse(
        "feed", kwargs={"org": collaborative.organization.slug, "collab": collaborative.slug}
    )


def post_path(post: Post) -> str:
    collaborative = post.collaborative
    return reverse(
        "post_detail",
        kwargs={
            "org": collaborative.organization.slug,
            "collab": collaborative.slug,
            "pk": post.pk,
        },
    )


def _preferences_path(collaborative: Collaborative) -> str:
    return reverse(
        "feed_preference",
        kwargs={"org": collaborative.organization.slug, "collab": collaborative.slug},
    )


def notification_send(*, notification_id: int) -> str:
    """Send one immediate e-mail if this caller claims it. Returns the outcome."""
    if not _claim(FeedNotification, notification_id):
        return "not_claimed"
    notification = FeedNotification.objects.select_related(
        "collaborative__organization", "recipient", "post__author", "post__team", "comment__author"
    ).get(pk=notification_id)
    post = notification.post
    comment = notification.comment
    collaborative = notification.collaborative
    recipient = notification.recipient
    access = _recipient_access(collaborative, recipient)
    still_wanted = (
        access is not None
        and selectors.frequency_for(collaborative, recipient.pk) == NotificationFrequency.IMMEDIATE
        and not post.is_removed
        and (comment is None or not comment.is_removed)
    )
    if not still_wanted:
        _record(FeedNotification, notification_id, status=FeedDeliveryStatus.SKIPPED)
        return FeedDeliveryStatus.SKIPPED
    labels = selectors.labels_for(collaborative, access)
    link = absolute_url(post_path(post))
    context = {
        "collaborative": collaborative,
        "organization": collaborative.organization,
        "name": recipient.display_name,
        "post": post,
        "comment": comment,
        "post_author": labels.author(post.author, post.team_id),
        "post_team": labels.team(post.team_id),
        "comment_author": labels.author(comment.author, comment.team_id) if comment else "",
        "is_own_post": post.author_id == recipient.pk,
        "link": f"{link}#comment-{comment.pk}" if comment else link,
        "preferences_link": absolute_url(_preferences_path(collaborative)),
    }
    template = "feed-comment" if comment else "feed-post"
    try:
        send_templated_email(template, [recipient.email], context)
    except TRANSPORT_ERRORS as error:
        _record(
            FeedNotification,
            notification_id,
            status=FeedDeliveryStatus.FAILED,
            last_error=_describe(error),
        )
        raise
    _record(
        FeedNotification, notification_id, status=FeedDeliveryStatus.SENT, sent_at=timezone.now()
    )
    return FeedDeliveryStatus.SENT


# --- Daily digest --------------------------------------------------------------------------


def digest_day(*, now: dt.datetime, time_zone: str) -> dt.date | None:
    """The day a digest sent now covers (yesterday, locally), or None before ``DIGEST_HOUR``."""
    local = now.astimezone(ZoneInfo(time_zone))
    if local.hour < DIGEST_HOUR:
        return None
    return local.date() - dt.timedelta(days=1)


def digest_recipient_ids(collaborative: Collaborative) -> set[int]:
    """People on the daily digest: participants without another choice, and those who chose it."""
    participants = selectors.participant_user_ids(collaborative)
    other_choice = set(
        FeedPreference.objects.filter(collaborative=collaborative)
        .exclude(frequency=NotificationFrequency.DAILY)
        .values_list("user_id", flat=True)
    )
    chose_daily = selectors.users_with_frequency(collaborative, NotificationFrequency.DAILY)
    return (participants - other_choice) | chose_daily


def _get_or_create_digest(collaborative: Collaborative, user_id: int, day: dt.date) -> FeedDigest:
    lookup = {"collaborative": collaborative, "recipient_id": user_id, "day": day}
    try:
        with transaction.atomic():
            return FeedDigest.objects.get_or_create(
                **lookup, defaults={"organization_id": collaborative.organization_id}
            )[0]
    except IntegrityError:
        return FeedDigest.objects.get(**lookup)


def feed_digests_sweep(*, now: dt.datetime | None = None, queue: bool = True) -> list[int]:
    """Plan the daily digests due now in every organization; queue one send per row.

    Returns the ids of the rows ready to send. Safe to run as often as you like: a second run
    finds the same rows, already claimed or sent.
    """
    from accounts.models import Organization
    from collaboratives.models import Collaborative, Status

    now = now or timezone.now()
    ready: list[tuple[int, int]] = []
    with scopes_disabled():
        organizations = list(Organization.objects.all())
    for organization in organizations:
        day = digest_day(now=now, time_zone=organization.time_zone)
        if day is None:
            continue
        start, end = selectors.day_bounds(day, ZoneInfo(organization.time_zone))
        with scope(organization=organization):
            collaboratives = Collaborative.objects.filter(
                organization=organization, archived_at__isnull=True
            ).exclude(status=Status.CLOSED)
            for collaborative in collaboratives:
                if not selectors.has_activity_between(collaborative, start, end):
                    continue
                rows = [
                    _get_or_create_digest(collaborative, user_id, day)
                    for user_id in sorted(digest_recipient_ids(collaborative))
                ]
                pending = FeedDigest.objects.filter(
                    Q(pk__in=[row.pk for row in rows]) & _claimable()
                ).values_list("pk", flat=True)
                ready.extend((pk, organization.pk) for pk in pending)
    if queue:
        from collaboratives.tasks_sharing import feed_digest_send_task

        for pk, organization_id in ready:
            feed_digest_send_task.delay_on_commit(organization_id=organization_id, digest_id=pk)
    return [pk for pk, _ in ready]


def digest_send(*, digest_id: int) -> str:
    """Send one daily digest if this caller claims it. Nothing new for them: skipped."""
    if not _claim(FeedDigest, digest_id):
        return "not_claimed"
    digest = FeedDigest.objects.select_related("collaborative__organization", "recipient").get(
        pk=digest_id
    )
    collaborative = digest.collaborative
    organization = collaborative.organization
    recipient = digest.recipient
    access = _recipient_access(collaborative, recipient)
    if access is None or not _wants_digest(collaborative, access):
        _record(FeedDigest, digest_id, status=FeedDeliveryStatus.SKIPPED)
        return FeedDeliveryStatus.SKIPPED
    start, end = selectors.day_bounds(digest.day, ZoneInfo(organization.time_zone))
    threads = selectors.activity_between(collaborative, start, end, exclude_author_id=recipient.pk)
    if not threads:
        _record(FeedDigest, digest_id, status=FeedDeliveryStatus.SKIPPED)
        return FeedDeliveryStatus.SKIPPED
    labels = selectors.labels_for(collaborative, access)
    items = [
        {
            "post": thread.post,
            "is_new": thread.is_new,
            "author": labels.author(thread.post.author, thread.post.team_id),
            "team": labels.team(thread.post.team_id),
            "link": absolute_url(post_path(thread.post)),
            "comments": [
                {"comment": c, "author": labels.author(c.author, c.team_id)}
                for c in thread.comments
            ],
        }
        for thread in threads
    ]
    context = {
        "collaborative": collaborative,
        "organization": organization,
        "name": recipient.display_name,
        "day": digest.day,
        "items": items,
        "post_count": sum(1 for item in items if item["is_new"]),
        "comment_count": sum(len(item["comments"]) for item in items),
        "link": absolute_url(_feed_path(collaborative)),
        "preferences_link": absolute_url(_preferences_path(collaborative)),
    }
    try:
        send_templated_email("feed-digest", [recipient.email], context)
    except TRANSPORT_ERRORS as error:
        _record(
            FeedDigest, digest_id, status=FeedDeliveryStatus.FAILED, last_error=_describe(error)
        )
        raise
    _record(FeedDigest, digest_id, status=FeedDeliveryStatus.SENT, sent_at=timezone.now())
    return FeedDeliveryStatus.SENT
