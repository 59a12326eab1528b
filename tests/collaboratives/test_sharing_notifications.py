"""E-mail about the feed: immediate e-mails and the daily digest, each sent exactly once."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from collaboratives.models import FeedDigest, FeedNotification, PostKind
from collaboratives.services import sharing as services
from tests.collaboratives.sharing_support import make_world
from tests.factories import CommentFactory, FeedPreferenceFactory, PostFactory

pytestmark = pytest.mark.django_db

# 9 March 2026, 09:00 in New York (daylight saving time began on 8 March).
MORNING = dt.datetime(2026, 3, 9, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(org_a):
    org_a.time_zone = "America/New_York"
    org_a.save()
    return make_world(org_a)


def _immediate(world, user):
    FeedPreferenceFactory(collaborative=world.collaborative, user=user, frequency="immediate")


def _post(world, user, capture, **fields):
    values = {"kind": PostKind.WIN, "title": "Reminder calls work", "body": "**Fewer** no-shows."}
    values.update(fields)
    with scope(organization=world.organization), capture(execute=True):
        return services.post_create(
            collaborative=world.collaborative, access=world.access(user), actor=user, **values
        )


def _comment(world, post, user, capture, body="How did you do it?"):
    with scope(organization=world.organization), capture(execute=True):
        return services.comment_create(post=post, access=world.access(user), actor=user, body=body)


# --- Immediate -------------------------------------------------------------------------------


def test_a_new_post_emails_immediate_subscribers_once(world, django_capture_on_commit_callbacks):
    with scopes_disabled():
        _immediate(world, world.other)

    post = _post(world, world.member, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["olga@hillside.example"]]
    message = mail.outbox[0]
    assert "Reminder calls work" in message.subject
    assert f"http://testserver/orgs/org-a/collaboratives/tfcbt/feed/{post.pk}/" in message.body
    assert "<strong>Fewer</strong>" in message.alternatives[0][0]


def test_digest_subscribers_and_the_author_get_no_immediate_email(
    world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        _immediate(world, world.member)

    _post(world, world.member, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_sending_a_notification_twice_sends_one_email(world, django_capture_on_commit_callbacks):
    with scopes_disabled():
        _immediate(world, world.other)
    _post(world, world.member, django_capture_on_commit_callbacks)
    with scopes_disabled():
        row = FeedNotification.objects.get()

    with scope(organization=world.organization):
        again = services.notification_send(notification_id=row.pk)

    assert again == "not_claimed"
    assert len(mail.outbox) == 1


def test_a_comment_emails_the_post_author_and_earlier_commenters(
    world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        _immediate(world, world.member)
        _immediate(world, world.lead)
    post = _post(world, world.member, django_capture_on_commit_callbacks)
    _comment(world, post, world.lead, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    _comment(world, post, world.other, django_capture_on_commit_callbacks, body="Which script?")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "lena@riverside.example",
        "max@riverside.example",
    ]
    assert all("Olga Other commented" in m.subject for m in mail.outbox)


def test_the_comment_email_hides_the_commenters_name_when_sharing_is_anonymized(
    org_a, django_capture_on_commit_callbacks
):
    world = make_world(org_a, data_sharing="anonymized")
    with scopes_disabled():
        _immediate(world, world.member)
    post = _post(world, world.member, django_capture_on_commit_callbacks)

    _comment(world, post, world.other, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert "Olga" not in message.subject + message.body
    assert re.search(r"A member of Team [A-Z] commented", message.subject)


def test_an_email_about_a_post_removed_before_sending_is_skipped(
    world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        _immediate(world, world.other)
    with mock.patch("collaboratives.tasks_sharing.feed_notification_send_task.delay_on_commit"):
        post = _post(world, world.member, django_capture_on_commit_callbacks)
    with scope(organization=world.organization):
        services.post_remove(post=post, access=world.access(world.member), actor=world.member)
        row = FeedNotification.objects.get()

        outcome = services.notification_send(notification_id=row.pk)

    assert outcome == "skipped"
    assert mail.outbox == []


def test_a_transport_error_is_recorded_and_the_retry_sends_once(
    world, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        _immediate(world, world.other)
    with mock.patch("collaboratives.tasks_sharing.feed_notification_send_task.delay_on_commit"):
        _post(world, world.member, django_capture_on_commit_callbacks)
    with scope(organization=world.organization):
        row = FeedNotification.objects.get()
        with (
            mock.patch.object(services, "send_templated_email", side_effect=smtplib.SMTPException),
            pytest.raises(smtplib.SMTPException),
        ):
            services.notification_send(notification_id=row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 1)

        assert services.notification_send(notification_id=row.pk) == "sent"
        assert services.notification_send(notification_id=row.pk) == "not_claimed"

    assert len(mail.outbox) == 1


# --- Daily digest ----------------------------------------------------------------------------


def _yesterday_activity(world):
    with scopes_disabled():
        yesterday = dt.datetime(2026, 3, 8, 15, 0, tzinfo=dt.UTC)
        post = PostFactory(
            collaborative=world.collaborative,
            author=world.member,
            team=world.riverside,
            title="Text reminders",
        )
        comment = CommentFactory(post=post, author=world.other, team=world.hillside)
        PostFactory(collaborative=world.collaborative, author=world.faculty, title="Today's post")
        # auto_now_add ignores values given on create.
        type(post).objects.filter(pk=post.pk).update(created_at=yesterday)
        type(comment).objects.filter(pk=comment.pk).update(created_at=yesterday)
    return post


def test_the_sweep_plans_one_digest_per_participant_once_a_day(world):
    _yesterday_activity(world)

    first = services.feed_digests_sweep(now=MORNING, queue=False)
    second = services.feed_digests_sweep(now=MORNING + dt.timedelta(hours=3), queue=False)

    with scopes_disabled():
        rows = FeedDigest.objects.all()
        assert {row.recipient_id for row in rows} == {
            world.member.pk,
            world.lead.pk,
            world.other.pk,
            world.faculty.pk,
        }
        assert {row.day for row in rows} == {dt.date(2026, 3, 8)}
    assert sorted(first) == sorted(second)


def test_no_digest_is_planned_before_seven_in_the_morning(world):
    _yesterday_activity(world)

    planned = services.feed_digests_sweep(now=MORNING - dt.timedelta(hours=3), queue=False)

    assert planned == []


def test_no_digest_is_planned_after_a_quiet_day(world):
    assert services.feed_digests_sweep(now=MORNING, queue=False) == []


def test_immediate_and_off_subscribers_get_no_digest(world):
    _yesterday_activity(world)
    with scopes_disabled():
        _immediate(world, world.lead)
        FeedPreferenceFactory(collaborative=world.collaborative, user=world.other, frequency="off")

    services.feed_digests_sweep(now=MORNING, queue=False)

    with scopes_disabled():
        recipients = set(FeedDigest.objects.values_list("recipient_id", flat=True))
    assert recipients == {world.member.pk, world.faculty.pk}


def test_the_digest_lists_yesterdays_posts_and_comments_but_not_todays(world):
    _yesterday_activity(world)
    services.feed_digests_sweep(now=MORNING, queue=False)
    with scopes_disabled():
        row = FeedDigest.objects.get(recipient=world.faculty)

    with scope(organization=world.organization):
        outcome = services.digest_send(digest_id=row.pk)

    assert outcome == "sent"
    (message,) = mail.outbox
    assert message.to == ["fay@example.org"]
    assert "Text reminders" in message.body
    assert "Olga Other" in message.body
    assert "Today's post" not in message.body
    assert message.subject == "TF-CBT Collaborative: 1 new post and 1 comment on 8 March"


def test_a_digest_without_anything_new_for_the_reader_is_skipped(world):
    post = _yesterday_activity(world)
    with scopes_disabled():
        post.comments.all().delete()
    services.feed_digests_sweep(now=MORNING, queue=False)
    with scopes_disabled():
        row = FeedDigest.objects.get(recipient=world.member)

    with scope(organization=world.organization):
        outcome = services.digest_send(digest_id=row.pk)

    assert outcome == "skipped"
    assert mail.outbox == []


def test_the_queued_digest_is_sent_once_per_person(world, django_capture_on_commit_callbacks):
    _yesterday_activity(world)

    with django_capture_on_commit_callbacks(execute=True):
        services.feed_digests_sweep(now=MORNING)
    with django_capture_on_commit_callbacks(execute=True):
        services.feed_digests_sweep(now=MORNING)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "fay@example.org",
        "lena@riverside.example",
        "max@riverside.example",
        "olga@hillside.example",
    ]


def test_the_digest_day_is_yesterday_in_the_organizations_zone():
    late_evening_utc = dt.datetime(2026, 3, 10, 3, 30, tzinfo=dt.UTC)  # 9 March, 23:30 in NY

    assert services.digest_day(now=late_evening_utc, time_zone="America/New_York") == dt.date(
        2026, 3, 8
    )


def test_a_reader_on_no_roster_who_chose_immediate_email_gets_it(
    world, bob, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        _immediate(world, bob)

    _post(world, world.member, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_someone_who_left_the_team_gets_no_digest_planned_before(world):
    _yesterday_activity(world)
    services.feed_digests_sweep(now=MORNING, queue=False)
    with scopes_disabled():
        row = FeedDigest.objects.get(recipient=world.lead)
        world.riverside.members.filter(user=world.lead).delete()

    with scope(organization=world.organization):
        outcome = services.digest_send(digest_id=row.pk)

    assert outcome == "skipped"
