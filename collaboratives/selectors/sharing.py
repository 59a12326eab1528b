"""Sharing: who may do what in the feed and the resource library, and the reads they need.

The rules (plain predicates of ``CollaborativeAccess``, used by pages, the API and templates):

- Everyone who may view the collaborative reads the feed: posts are the collaborative's shared
  space. *Participants* (members of one of its teams, its chairs, faculty and staff, and the
  organization's admins) post and comment.
- Announcements (which may be pinned) come from faculty, chairs and staff (``is_leader``).
  Wins, questions and lessons come from any participant: a team member posts for one of their
  teams; faculty and staff post for no team.
- Authors edit their own posts and comments; authors and leaders remove them (moderation).
- Who wrote a team's post follows the collaborative's data-sharing rule for a reader who is not
  faculty or staff and not on that team: *named* shows the team and the author; *anonymized*
  shows "Team C" (``measures.services.transfer.export_team_labels``) and hides the author;
  *none* shows "Another team" and hides the author. The words still show: they were written for
  the whole collaborative. Filtering by team is offered only for teams the reader sees by name.
- Resources: agendas come from leaders; storyboards belong to a team (a member posts their own
  team's, leaders any team's); toolkit items, links and others from any participant. A team's
  storyboard is visible to other teams only when the collaborative shares data by name (a
  storyboard shows the team's charts and usually its name). The uploader or staff delete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from collaboratives.models import (
    Comment,
    DataSharing,
    FeedPreference,
    LearningSession,
    NotificationFrequency,
    Post,
    PostKind,
    Resource,
    ResourceKind,
)
from collaboratives.permissions import VIEW_ALL_TEAMS
from teams.models import Team, TeamStatus

if TYPE_CHECKING:
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess

ANOTHER_TEAM = "Another team"
FEED_PAGE_SIZE = 20


# --- Rules --------------------------------------------------------------------------------


def is_leader(access: CollaborativeAccess) -> bool:
    """Chairs, faculty and staff of the collaborative, and the organization's admins."""
    return bool(access.leadership) or access.is_staff


def is_participant(access: CollaborativeAccess) -> bool:
    return is_leader(access) or bool(access.team_ids)


def can_post(access: CollaborativeAccess, kind: str | None = None) -> bool:
    if kind == PostKind.ANNOUNCEMENT:
        return is_leader(access)
    return is_participant(access)


def postable_kinds(access: CollaborativeAccess) -> list[tuple[str, str]]:
    return [(value, label) for value, label in PostKind.choices if can_post(access, value)]


def can_edit_post(access: CollaborativeAccess, post: Post) -> bool:
    return (
        not post.is_removed
        and access.user_id is not None
        and post.author_id == access.user_id
        and not access.collaborative.is_archived
    )


def can_remove_post(access: CollaborativeAccess, post: Post) -> bool:
    if post.is_removed or access.collaborative.is_archived:
        return False
    return (access.user_id is not None and post.author_id == access.user_id) or is_leader(access)


def can_pin(access: CollaborativeAccess) -> bool:
    return is_leader(access)


def can_comment(access: CollaborativeAccess, post: Post) -> bool:
    return is_participant(access) and not post.is_removed and not access.collaborative.is_archived


def can_edit_comment(access: CollaborativeAccess, comment: Comment) -> bool:
    return (
        not comment.is_removed
        and access.user_id is not None
        and comment.author_id == access.user_id
        and not access.collaborative.is_archived
    )


def can_remove_comment(access: CollaborativeAccess, comment: Comment) -> bool:
    if comment.is_removed or access.collaborative.is_archived:
        return False
    own = access.user_id is not None and comment.author_id == access.user_id
    return own or is_leader(access)


def can_add_resource(access: CollaborativeAccess, kind: str | None = None) -> bool:
    if access.collaborative.is_archived:
        return False
    if kind == ResourceKind.AGENDA:
        return is_leader(access)
    return is_participant(access)


def addable_resource_kinds(access: CollaborativeAccess) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in ResourceKind.choices if can_add_resource(access, value)
    ]


def can_change_resource(access: CollaborativeAccess, resource: Resource) -> bool:
    """Its title, description and learning session: who added it, or staff (as deleting)."""
    return can_delete_resource(access, resource)


def can_delete_resource(access: CollaborativeAccess, resource: Resource) -> bool:
    if access.collaborative.is_archived:
        return False
    own = access.user_id is not None and resource.uploaded_by_id == access.user_id
    return own or access.is_staff


def sees_team_by_name(access: CollaborativeAccess, team_id: int | None) -> bool:
    if team_id is None:
        return True
    return (
        access.has(VIEW_ALL_TEAMS)
        or team_id in access.team_ids
        or access.collaborative.data_sharing == DataSharing.NAMED
    )


def can_see_resource(access: CollaborativeAccess, resource: Resource) -> bool:
    return sees_team_by_name(access, resource.team_id)


# --- Teams and labels ---------------------------------------------------------------------


def own_teams(collaborative: Collaborative, access: CollaborativeAccess) -> list[Team]:
    """The caller's teams that may post (active ones), by name."""
    if not access.team_ids:
        return []
    return list(
        Team.objects.filter(
            collaborative=collaborative, pk__in=access.team_ids, status=TeamStatus.ACTIVE
        ).order_by("name")
    )


def resource_teams(collaborative: Collaborative, access: CollaborativeAccess) -> list[Team]:
    """Teams the caller may file a storyboard for: any active team for leaders, else their own."""
    if is_leader(access):
        return list(
            Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE).order_by(
                "name"
            )
        )
    return own_teams(collaborative, access)


@dataclass(frozen=True)
class Labels:
    """How one reader sees teams and authors (the data-sharing rule), worked out once."""

    access: CollaborativeAccess
    # team id -> label, for teams the reader may see by name or as "Team C".
    teams: dict[int, str]

    def team(self, team_id: int | None) -> str:
        if team_id is None:
            return ""
        return self.teams.get(team_id, ANOTHER_TEAM)

    def shows_author(self, team_id: int | None) -> bool:
        return sees_team_by_name(self.access, team_id)

    def author(self, author, team_id: int | None) -> str:
        """The author's name, or "A member of Team C" when the team's name is hidden."""
        if not self.shows_author(team_id):
            label = self.teams.get(team_id)  # type: ignore[arg-type]
            return f"A member of {label}" if label else "A member of another team"
        if author is None:
            return "A former member"
        return author.display_name

    def named_team_choices(self) -> list[tuple[int, str]]:
        """Teams the reader may filter by: the ones they see by name."""
        return sorted(
            ((pk, label) for pk, label in self.teams.items() if self.shows_author(pk)),
            key=lambda item: item[1].lower(),
        )


def labels_for(collaborative: Collaborative, access: CollaborativeAccess) -> Labels:
    from measures.services.transfer import export_team_labels

    return Labels(access=access, teams=export_team_labels(collaborative, access))


# --- The feed -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedFilter:
    kind: str = ""
    team_id: int | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.kind) or self.team_id is not None


def clean_filter(labels: Labels, *, kind: str | None, team: str | int | None) -> FeedFilter:
    """Ignore unknown kinds and teams the reader may not filter by (no guessing of teams)."""
    kind = kind if kind in PostKind.values else ""
    team_id: int | None = None
    if team not in (None, ""):
        try:
            candidate = int(team)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            candidate = None
        if candidate is not None and any(pk == candidate for pk, _ in labels.named_team_choices()):
            team_id = candidate
    return FeedFilter(kind=kind, team_id=team_id)


def posts_of(collaborative: Collaborative, feed_filter: FeedFilter | None = None) -> QuerySet[Post]:
    """Live posts, pinned announcements first, with authors, teams and live comment counts."""
    posts = (
        Post.objects.filter(collaborative=collaborative, removed_at__isnull=True)
        .select_related("author", "team")
        .annotate(
            comment_count=Count("comments", filter=Q(comments__removed_at__isnull=True)),
        )
        .order_by("-pinned", "-created_at", "-id")
    )
    if feed_filter is not None:
        if feed_filter.kind:
            posts = posts.filter(kind=feed_filter.kind)
        if feed_filter.team_id is not None:
            posts = posts.filter(team_id=feed_filter.team_id)
    return posts


def post_of(collaborative: Collaborative, pk: int | str) -> Post | None:
    """One post (removed ones too: their page says so), or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Post.objects.filter(collaborative=collaborative, pk=pk)
        .select_related("author", "team")
        .first()
    )


def comments_of(post: Post) -> list[Comment]:
    return list(Comment.objects.filter(post=post).select_related("author").order_by("created_at"))


def comment_of(post: Post, pk: int | str) -> Comment | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Comment.objects.filter(post=post, pk=pk).select_related("author").first()


def comment_team_for(post: Post, access: CollaborativeAccess) -> int | None:
    """The team a comment speaks for: the post's team if the commenter is on it, else their
    first team in the collaborative, else none (faculty, staff)."""
    if post.team_id is not None and post.team_id in access.team_ids:
        return post.team_id
    return min(access.team_ids) if access.team_ids else None


# --- Notification preferences ---------------------------------------------------------------


def frequency_for(collaborative: Collaborative, user_id: int | None) -> str:
    """The stored choice, or the daily digest (the default of participants)."""
    if user_id is None:
        return NotificationFrequency.OFF
    row = FeedPreference.objects.filter(collaborative=collaborative, user_id=user_id).first()
    return row.frequency if row else NotificationFrequency.DAILY


def frequency_of(collaborative: Collaborative, access: CollaborativeAccess) -> str:
    """What the caller actually gets: their choice; without one, the daily digest if they take
    part (team member, faculty, staff) and nothing if they only read."""
    if access.user_id is None:
        return NotificationFrequency.OFF
    row = FeedPreference.objects.filter(collaborative=collaborative, user_id=access.user_id).first()
    if row is not None:
        return row.frequency
    return NotificationFrequency.DAILY if is_participant(access) else NotificationFrequency.OFF


def participant_user_ids(collaborative: Collaborative) -> set[int]:
    """People who hear about the feed by default: members of the collaborative's teams and its
    chairs, faculty and staff. (Organization admins join by choosing a setting themselves.)"""
    from collaboratives.models import CollaborativeRole
    from teams.models import TeamMember

    members = TeamMember.objects.filter(
        team__collaborative=collaborative,
        team__status=TeamStatus.ACTIVE,
        user__isnull=False,
        user__is_active=True,
    ).values_list("user_id", flat=True)
    leaders = CollaborativeRole.objects.filter(
        collaborative=collaborative, user__is_active=True
    ).values_list("user_id", flat=True)
    return set(members) | set(leaders)


def users_with_frequency(collaborative: Collaborative, frequency: str) -> set[int]:
    return set(
        FeedPreference.objects.filter(
            collaborative=collaborative, frequency=frequency, user__is_active=True
        ).values_list("user_id", flat=True)
    )


# --- Digest content -----------------------------------------------------------------------


@dataclass(frozen=True)
class DigestThread:
    post: Post
    is_new: bool
    comments: list[Comment]


def day_bounds(day: dt.date, tzinfo: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tzinfo)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tzinfo)


def activity_between(
    collaborative: Collaborative,
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude_author_id: int | None = None,
) -> list[DigestThread]:
    """New posts and new comments between ``start`` and ``end``, grouped by post (two queries).

    The reader's own posts and comments are left out (they know what they wrote).
    """
    new_posts = Post.objects.filter(
        collaborative=collaborative,
        removed_at__isnull=True,
        created_at__gte=start,
        created_at__lt=end,
    ).select_related("author", "team")
    comments = Comment.objects.filter(
        post__collaborative=collaborative,
        post__removed_at__isnull=True,
        removed_at__isnull=True,
        created_at__gte=start,
        created_at__lt=end,
    ).select_related("author", "post__author", "post__team")
    if exclude_author_id is not None:
        new_posts = new_posts.exclude(author_id=exclude_author_id)
        comments = comments.exclude(author_id=exclude_author_id)
    threads: dict[int, DigestThread] = {}
    for post in new_posts.order_by("-pinned", "created_at", "id"):
        threads[post.pk] = DigestThread(post=post, is_new=True, comments=[])
    for comment in comments.order_by("created_at", "id"):
        thread = threads.get(comment.post_id)
        if thread is None:
            thread = DigestThread(post=comment.post, is_new=False, comments=[])
            threads[comment.post_id] = thread
        thread.comments.append(comment)
    return list(threads.values())


def has_activity_between(
    collaborative: Collaborative, start: dt.datetime, end: dt.datetime
) -> bool:
    return (
        Post.objects.filter(
            collaborative=collaborative,
            removed_at__isnull=True,
            created_at__gte=start,
            created_at__lt=end,
        ).exists()
        or Comment.objects.filter(
            post__collaborative=collaborative,
            post__removed_at__isnull=True,
            removed_at__isnull=True,
            created_at__gte=start,
            created_at__lt=end,
        ).exists()
    )


# --- Resources ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceFilter:
    kind: str = ""
    session_id: int | None = None
    team_id: int | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.kind) or self.session_id is not None or self.team_id is not None


def _int_or_none(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def clean_resource_filter(
    labels: Labels, *, kind: str | None, session: object, team: object
) -> ResourceFilter:
    team_id = _int_or_none(team)
    if team_id is not None and not any(pk == team_id for pk, _ in labels.named_team_choices()):
        team_id = None
    return ResourceFilter(
        kind=kind if kind in ResourceKind.values else "",
        session_id=_int_or_none(session),
        team_id=team_id,
    )


def resources_of(
    collaborative: Collaborative,
    access: CollaborativeAccess,
    resource_filter: ResourceFilter | None = None,
) -> QuerySet[Resource]:
    """The resources the caller may see, newest first."""
    resources = Resource.objects.filter(collaborative=collaborative).select_related(
        "session", "team", "uploaded_by"
    )
    if not (access.has(VIEW_ALL_TEAMS) or collaborative.data_sharing == DataSharing.NAMED):
        resources = resources.filter(Q(team__isnull=True) | Q(team_id__in=list(access.team_ids)))
    if resource_filter is not None:
        if resource_filter.kind:
            resources = resources.filter(kind=resource_filter.kind)
        if resource_filter.session_id is not None:
            resources = resources.filter(session_id=resource_filter.session_id)
        if resource_filter.team_id is not None:
            resources = resources.filter(team_id=resource_filter.team_id)
    return resources.order_by("-created_at", "-id")


def resource_of(
    collaborative: Collaborative, access: CollaborativeAccess, pk: int | str
) -> Resource | None:
    pk_value = _int_or_none(pk)
    if pk_value is None:
        return None
    return resources_of(collaborative, access).filter(pk=pk_value).first()


def sessions_of(collaborative: Collaborative) -> QuerySet[LearningSession]:
    return LearningSession.objects.filter(collaborative=collaborative).order_by("start_date")
