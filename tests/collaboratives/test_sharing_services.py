"""Sharing services: who may post, comment, edit, remove and pin; resources; preferences."""

from __future__ import annotations

import functools

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import FeedPreference, Post, PostKind, Resource
from collaboratives.selectors import sharing as selectors
from collaboratives.services import sharing as services
from tests.collaboratives.sharing_support import make_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def world(org_a, alice, bob):
    return make_world(org_a, alice=alice)


def _post(world, user, **fields):
    values = {"kind": PostKind.WIN, "title": "Reminder calls work", "body": "Fewer no-shows."}
    values.update(fields)
    return services.post_create(
        collaborative=world.collaborative, access=world.access(user), actor=user, **values
    )


# --- Posting ---------------------------------------------------------------------------------


def test_a_team_member_posts_a_win_for_their_only_team(world):
    post = _post(world, world.member)

    assert (post.kind, post.team, post.author) == ("win", world.riverside, world.member)
    assert AuditEntry.objects.filter(action="bsc.sharing.post_created").count() == 1


def test_faculty_post_an_announcement_for_no_team(world):
    post = _post(world, world.faculty, kind=PostKind.ANNOUNCEMENT, pinned=True)

    assert post.team is None
    assert post.pinned


def test_a_team_member_cannot_post_an_announcement(world):
    with pytest.raises(PermissionDenied):
        _post(world, world.member, kind=PostKind.ANNOUNCEMENT)


def test_an_organization_member_on_no_roster_cannot_post(world, bob):
    with pytest.raises(PermissionDenied):
        _post(world, bob)


def test_a_member_cannot_post_for_another_team(world):
    with pytest.raises(DomainError) as raised:
        _post(world, world.member, team=world.hillside)

    assert raised.value.field == "team"


def test_only_announcements_are_pinned(world):
    with pytest.raises(DomainError) as raised:
        _post(world, world.faculty, kind=PostKind.QUESTION, pinned=True)

    assert raised.value.field == "pinned"


def test_a_post_needs_a_title(world):
    with pytest.raises(DomainError) as raised:
        _post(world, world.member, title="  ")

    assert raised.value.field == "title"


def test_nothing_is_posted_in_an_archived_collaborative(world):
    from django.utils import timezone

    world.collaborative.archived_at = timezone.now()
    world.collaborative.save()

    with pytest.raises(ConflictError):
        _post(world, world.member)


# --- Editing and removing --------------------------------------------------------------------


def test_the_author_edits_their_post_and_it_is_marked_edited(world):
    post = _post(world, world.member)

    services.post_update(
        post=post, access=world.access(world.member), actor=world.member, body="Even fewer."
    )

    post.refresh_from_db()
    assert post.body == "Even fewer."
    assert post.edited_at is not None


def test_someone_else_cannot_edit_a_post(world):
    post = _post(world, world.member)

    with pytest.raises(PermissionDenied):
        services.post_update(
            post=post, access=world.access(world.lead), actor=world.lead, body="Mine now"
        )


def test_faculty_remove_a_post_and_it_keeps_its_row_without_text(world):
    post = _post(world, world.member)

    services.post_remove(post=post, access=world.access(world.faculty), actor=world.faculty)

    post.refresh_from_db()
    assert post.is_removed
    assert (post.title, post.body, post.removed_by) == ("", "", world.faculty)


def test_a_member_cannot_remove_someone_elses_post(world):
    post = _post(world, world.member)

    with pytest.raises(PermissionDenied):
        services.post_remove(post=post, access=world.access(world.other), actor=world.other)


def test_faculty_pin_an_announcement_later(world):
    post = _post(world, world.faculty, kind=PostKind.ANNOUNCEMENT)

    services.post_update(
        post=post, access=world.access(world.faculty), actor=world.faculty, pinned=True
    )

    assert Post.objects.get(pk=post.pk).pinned


def test_a_member_cannot_pin(world):
    post = _post(world, world.faculty, kind=PostKind.ANNOUNCEMENT)

    with pytest.raises(PermissionDenied):
        services.post_update(
            post=post, access=world.access(world.member), actor=world.member, pinned=True
        )


# --- Comments --------------------------------------------------------------------------------


def test_a_member_of_another_team_comments_for_their_team(world):
    post = _post(world, world.member)

    comment = services.comment_create(
        post=post, access=world.access(world.other), actor=world.other, body="How?"
    )

    assert (comment.author, comment.team) == (world.other, world.hillside)


def test_a_removed_post_takes_no_comments(world):
    post = _post(world, world.member)
    services.post_remove(post=post, access=world.access(world.member), actor=world.member)

    with pytest.raises(DomainError) as raised:
        services.comment_create(
            post=post, access=world.access(world.other), actor=world.other, body="Late"
        )

    assert raised.value.status == 409


def test_an_empty_comment_is_refused(world):
    post = _post(world, world.member)

    with pytest.raises(DomainError) as raised:
        services.comment_create(
            post=post, access=world.access(world.other), actor=world.other, body="   "
        )

    assert raised.value.field == "body"


def test_the_author_removes_their_comment_and_it_keeps_its_place(world):
    post = _post(world, world.member)
    comment = services.comment_create(
        post=post, access=world.access(world.other), actor=world.other, body="Oops"
    )

    services.comment_remove(comment=comment, access=world.access(world.other), actor=world.other)

    comment.refresh_from_db()
    assert comment.is_removed
    assert comment.body == ""


def test_only_the_author_edits_a_comment(world):
    post = _post(world, world.member)
    comment = services.comment_create(
        post=post, access=world.access(world.other), actor=world.other, body="Hello"
    )

    with pytest.raises(PermissionDenied):
        services.comment_update(
            comment=comment, access=world.access(world.faculty), actor=world.faculty, body="x"
        )


# --- Labels under the data-sharing rule ------------------------------------------------------


def test_anonymized_sharing_hides_another_teams_name_and_author(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    post = _post(world, world.member)

    labels = selectors.labels_for(world.collaborative, world.access(world.other))

    assert labels.team(post.team_id).startswith("Team ")
    assert labels.author(post.author, post.team_id) == f"A member of {labels.team(post.team_id)}"


def test_no_sharing_shows_another_team_without_a_name(org_a):
    world = make_world(org_a, data_sharing="none")
    post = _post(world, world.member)

    labels = selectors.labels_for(world.collaborative, world.access(world.other))

    assert labels.team(post.team_id) == "Another team"
    assert labels.author(post.author, post.team_id) == "A member of another team"


def test_faculty_see_names_whatever_the_sharing_rule(org_a):
    world = make_world(org_a, data_sharing="none")
    post = _post(world, world.member)

    labels = selectors.labels_for(world.collaborative, world.access(world.faculty))

    assert labels.team(post.team_id) == "Riverside Clinic"
    assert labels.author(post.author, post.team_id) == "Max Member"


def test_a_team_cannot_be_filtered_by_when_its_name_is_hidden(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    labels = selectors.labels_for(world.collaborative, world.access(world.other))

    feed_filter = selectors.clean_filter(labels, kind=None, team=str(world.riverside.pk))

    assert feed_filter.team_id is None


# --- Preference ------------------------------------------------------------------------------


def test_the_default_preference_is_the_daily_digest(world):
    assert selectors.frequency_for(world.collaborative, world.member.pk) == "daily"


def test_a_reader_on_no_roster_gets_no_email_by_default(world, bob):
    assert selectors.frequency_of(world.collaborative, world.access(bob)) == "off"


def test_a_member_chooses_immediate_email(world):
    services.preference_set(
        collaborative=world.collaborative,
        access=world.access(world.member),
        actor=world.member,
        frequency="immediate",
    )

    assert FeedPreference.objects.get(user=world.member).frequency == "immediate"


def test_an_unknown_frequency_is_refused(world):
    with pytest.raises(DomainError) as raised:
        services.preference_set(
            collaborative=world.collaborative,
            access=world.access(world.member),
            actor=world.member,
            frequency="weekly",
        )

    assert raised.value.field == "frequency"


# --- Resources -------------------------------------------------------------------------------


def _resource(world, user, **fields):
    values = {"kind": "toolkit", "url": "https://www.ihi.org/toolkit"}
    values.update(fields)
    return services.resource_create(
        collaborative=world.collaborative, access=world.access(user), actor=user, **values
    )


def test_a_member_adds_a_link_titled_by_its_address(world):
    resource = _resource(world, world.member)

    assert (resource.title, resource.url, resource.file) == (
        "https://www.ihi.org/toolkit",
        "https://www.ihi.org/toolkit",
        "",
    )


def test_a_javascript_link_is_refused(world):
    with pytest.raises(DomainError) as raised:
        _resource(world, world.member, url="javascript:alert(1)")

    assert raised.value.field == "url"


def test_a_file_and_a_link_together_are_refused(world):
    upload = SimpleUploadedFile("a.pdf", PDF, "application/pdf")

    with pytest.raises(DomainError) as raised:
        _resource(world, world.member, upload=upload)

    assert raised.value.field == "url"


def test_an_uploaded_pdf_is_kept_under_its_checked_type(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("agenda.pdf", PDF, "application/pdf")

    resource = _resource(world, world.member, url="", upload=upload, title="")

    assert (resource.file_name, resource.content_type, resource.size) == (
        "agenda.pdf",
        "application/pdf",
        len(PDF),
    )
    assert resource.title == "agenda.pdf"


def test_an_html_file_is_refused_whatever_its_name(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = b"<html><script>x</script></html>"
    upload = SimpleUploadedFile("toolkit.pdf", html, "application/pdf")

    with pytest.raises(DomainError) as raised:
        _resource(world, world.member, url="", upload=upload)

    assert raised.value.field == "file"
    assert not Resource.objects.exists()


def test_only_leaders_add_agendas(world):
    with pytest.raises(PermissionDenied):
        _resource(world, world.member, kind="agenda")


def test_a_member_files_a_storyboard_for_their_own_team(world):
    resource = _resource(world, world.member, kind="storyboard")

    assert resource.team == world.riverside


def test_a_member_cannot_file_another_teams_storyboard(world):
    with pytest.raises(DomainError) as raised:
        _resource(world, world.member, kind="storyboard", team=world.hillside)

    assert raised.value.field == "team"


def test_another_teams_storyboard_is_hidden_unless_sharing_is_named(org_a):
    world = make_world(org_a, data_sharing="anonymized")
    storyboard = _resource(world, world.member, kind="storyboard")

    visible_to_other = selectors.resources_of(world.collaborative, world.access(world.other))
    visible_to_faculty = selectors.resources_of(world.collaborative, world.access(world.faculty))

    assert storyboard not in visible_to_other
    assert storyboard in visible_to_faculty


def test_the_uploader_deletes_their_resource(world):
    resource = _resource(world, world.member)

    services.resource_delete(
        resource=resource, access=world.access(world.member), actor=world.member
    )

    assert not Resource.objects.exists()


def test_someone_else_cannot_delete_a_resource_but_staff_can(world, alice):
    resource = _resource(world, world.member)

    with pytest.raises(PermissionDenied):
        services.resource_delete(
            resource=resource, access=world.access(world.faculty), actor=world.faculty
        )
    services.resource_delete(resource=resource, access=world.access(alice), actor=alice)

    assert not Resource.objects.exists()


# Fixtures run with scopes disabled (tests/conftest.py); each test body runs inside the
# organization's scope, as a request or a task would.
def _in_scope(test):
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        organization = kwargs["world"].organization if "world" in kwargs else kwargs["org_a"]
        with scope(organization=organization):
            return test(*args, **kwargs)

    return wrapper


for _name, _test in list(globals().items()):
    if _name.startswith("test_") and callable(_test):
        globals()[_name] = _in_scope(_test)
