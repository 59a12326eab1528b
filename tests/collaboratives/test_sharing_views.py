"""Feed and resource pages: what each person sees and may do, and user text rendered safely."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from collaboratives.models import Comment, FeedPreference, Post, Resource
from tests.collaboratives.sharing_support import make_world
from tests.factories import (
    CommentFactory,
    PostFactory,
    ResourceFactory,
    TeamFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# An attribute that runs script, inside a real tag (not as escaped text).
LIVE_HANDLER = re.compile(r"<[a-zA-Z][^<>]*\son\w+\s*=", re.IGNORECASE)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def world(org_a, alice, bob):
    return make_world(org_a, alice=alice)


def url(world, name, **kwargs):
    return reverse(name, kwargs={"org": "org-a", "collab": world.collaborative.slug, **kwargs})


def as_user(client, user):
    client.force_login(user)
    return client


# --- Safe rendering --------------------------------------------------------------------------


def test_script_and_onerror_in_a_post_and_a_comment_are_shown_as_text(client, world):
    with scopes_disabled():
        post = PostFactory(
            collaborative=world.collaborative,
            author=world.member,
            team=world.riverside,
            title=f"Title {SCRIPT}",
            body=f"Look: {SCRIPT} and {IMG}",
        )
        CommentFactory(post=post, author=world.other, body=f"Reply {IMG} {SCRIPT}")

    for page in (url(world, "feed"), url(world, "post_detail", pk=post.pk)):
        html = as_user(client, world.other).get(page).content.decode()

        assert "<script>alert" not in html
        assert not LIVE_HANDLER.search(html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_markdown_in_a_post_is_rendered(client, world):
    with scopes_disabled():
        post = PostFactory(
            collaborative=world.collaborative, body="**Bold** [ihi](https://ihi.org)"
        )

    html = as_user(client, world.member).get(url(world, "post_detail", pk=post.pk)).content.decode()

    assert "<strong>Bold</strong>" in html
    assert '<a href="https://ihi.org" rel="noopener nofollow">ihi</a>' in html


def test_a_resource_description_with_script_is_shown_as_text(client, world):
    with scopes_disabled():
        ResourceFactory(collaborative=world.collaborative, description=f"Read {SCRIPT} {IMG}")

    html = as_user(client, world.member).get(url(world, "resource_list")).content.decode()

    assert "<script>alert" not in html
    assert not LIVE_HANDLER.search(html)


# --- The feed --------------------------------------------------------------------------------


def test_the_feed_shows_pinned_announcements_first(client, world):
    with scopes_disabled():
        PostFactory(collaborative=world.collaborative, title="Newer win")
        pinned = PostFactory(
            collaborative=world.collaborative, kind="announcement", title="Read me", pinned=True
        )
        Post.objects.filter(pk=pinned.pk).update(created_at="2026-01-01T00:00:00Z")

    html = as_user(client, world.member).get(url(world, "feed")).content.decode()

    assert html.index("Read me") < html.index("Newer win")


def test_the_feed_filters_by_kind(client, world):
    with scopes_disabled():
        PostFactory(collaborative=world.collaborative, kind="question", title="A question")
        PostFactory(collaborative=world.collaborative, kind="win", title="A win")

    html = as_user(client, world.member).get(url(world, "feed"), {"kind": "question"}).content
    html = html.decode()

    assert "A question" in html
    assert "A win" not in html


def test_the_feed_filters_by_a_named_team(client, world):
    with scopes_disabled():
        PostFactory(collaborative=world.collaborative, team=world.riverside, title="River post")
        PostFactory(collaborative=world.collaborative, team=world.hillside, title="Hill post")

    response = as_user(client, world.other).get(url(world, "feed"), {"team": world.riverside.pk})

    assert "River post" in response.content.decode()
    assert "Hill post" not in response.content.decode()


def test_the_feed_hides_another_teams_name_and_author_when_anonymized(client, org_a):
    world = make_world(org_a, data_sharing="anonymized")
    with scopes_disabled():
        PostFactory(
            collaborative=world.collaborative,
            team=world.riverside,
            author=world.member,
            title="Our win",
        )

    html = as_user(client, world.other).get(url(world, "feed")).content.decode()

    assert "Our win" in html
    assert "Riverside" not in html
    assert "Max Member" not in html
    assert re.search(r"<strong>Team [A-Z]</strong>", html)


def test_a_member_posts_a_win_through_the_form(client, world):
    response = as_user(client, world.member).post(
        url(world, "post_create"),
        {"kind": "win", "team": world.riverside.pk, "title": "No-shows down", "body": "Yes!"},
    )

    with scopes_disabled():
        post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(world, "post_detail", pk=post.pk)
    assert (post.team, post.author) == (world.riverside, world.member)


def test_the_new_post_form_names_the_missing_title(client, world):
    response = as_user(client, world.member).post(
        url(world, "post_create"), {"kind": "win", "team": world.riverside.pk, "title": ""}
    )

    assert response.status_code == 200
    assert "title" in response.context["form"].errors


def test_a_member_is_not_offered_announcements(client, world):
    form = as_user(client, world.member).get(url(world, "post_create")).context["form"]

    assert "announcement" not in dict(form.fields["kind"].choices)


def test_bob_on_no_roster_reads_the_feed_but_may_not_post(client, world, bob):
    as_user(client, bob)

    assert client.get(url(world, "feed")).status_code == 200
    assert client.get(url(world, "post_create")).status_code == 403


def test_an_outsider_gets_404_for_the_feed(client, world, carol):
    assert as_user(client, carol).get(url(world, "feed")).status_code == 404


def test_a_member_comments_on_a_post(client, world):
    with scopes_disabled():
        post = PostFactory(collaborative=world.collaborative, author=world.member)

    response = as_user(client, world.other).post(
        url(world, "post_detail", pk=post.pk), {"body": "How long did it take?"}
    )

    with scopes_disabled():
        comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.team == world.hillside


def test_a_removed_comment_shows_that_it_was_removed(client, world):
    with scopes_disabled():
        post = PostFactory(collaborative=world.collaborative, author=world.member)
        comment = CommentFactory(post=post, author=world.other, body="Secret number 555")
    as_user(client, world.other).post(url(world, "comment_remove", pk=post.pk, comment=comment.pk))

    html = client.get(url(world, "post_detail", pk=post.pk)).content.decode()

    assert "This comment was removed." in html
    assert "Secret number 555" not in html


def test_only_the_author_opens_the_edit_page(client, world):
    with scopes_disabled():
        post = PostFactory(collaborative=world.collaborative, author=world.member)

    assert as_user(client, world.other).get(url(world, "post_update", pk=post.pk)).status_code == (
        403
    )
    assert as_user(client, world.member).get(url(world, "post_update", pk=post.pk)).status_code == (
        200
    )


def test_faculty_remove_a_post_from_its_page(client, world):
    with scopes_disabled():
        post = PostFactory(collaborative=world.collaborative, author=world.member)

    response = as_user(client, world.faculty).post(url(world, "post_remove", pk=post.pk))

    assert response.status_code == 302
    with scopes_disabled():
        assert Post.objects.get(pk=post.pk).is_removed


def test_a_post_of_another_collaborative_is_not_found(client, world, org_a):
    with scopes_disabled():
        other = PostFactory(collaborative__organization=org_a)

    response = as_user(client, world.member).get(url(world, "post_detail", pk=other.pk))

    assert response.status_code == 404


def test_a_member_chooses_immediate_email(client, world):
    response = as_user(client, world.member).post(
        url(world, "feed_preference"), {"frequency": "immediate"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert FeedPreference.objects.get(user=world.member).frequency == "immediate"


FEED_QUERIES = 14


def _teams(world, count):
    with scopes_disabled():
        for index in range(count):
            team = TeamFactory(collaborative=world.collaborative)
            member = TeamMemberFactory(team=team)
            post = PostFactory(collaborative=world.collaborative, team=team, title=f"P{index}")
            CommentFactory(post=post, author=member.user)


@pytest.mark.parametrize("count", [2, 50])
def test_the_feed_runs_the_same_queries_for_2_or_50_teams(
    client, world, count, django_assert_num_queries
):
    _teams(world, count)
    as_user(client, world.other)
    client.get(url(world, "feed"))  # warm the session

    # session, user, organization, membership, collaborative, leadership roles, roster places
    # (the caller's access), savepoint; team labels; the page's count, its posts with authors,
    # teams and comment counts; the caller's e-mail choice; the organization switcher; release.
    with django_assert_num_queries(FEED_QUERIES):
        response = client.get(url(world, "feed"))

    assert response.status_code == 200


POST_QUERIES = 13


@pytest.mark.parametrize("count", [2, 50])
def test_a_post_page_runs_the_same_queries_for_2_or_50_commenting_teams(
    client, world, count, django_assert_num_queries
):
    with scopes_disabled():
        post = PostFactory(collaborative=world.collaborative, author=world.member)
        for _ in range(count):
            team = TeamFactory(collaborative=world.collaborative)
            CommentFactory(post=post, team=team)
    as_user(client, world.other)
    client.get(url(world, "post_detail", pk=post.pk))  # warm the session

    # session, user, organization, membership, collaborative, leadership roles, roster places,
    # savepoint; the post with its author and team; the comments with their authors; team
    # labels; the organization switcher; release.
    with django_assert_num_queries(POST_QUERIES):
        response = client.get(url(world, "post_detail", pk=post.pk))

    assert len(response.context["comments"]) == count


# --- Resources -------------------------------------------------------------------------------

RESOURCE_LIST_QUERIES = 13


@pytest.mark.parametrize("count", [2, 50])
def test_the_resource_list_runs_the_same_queries_for_2_or_50_teams(
    client, world, count, django_assert_num_queries
):
    with scopes_disabled():
        for _ in range(count):
            team = TeamFactory(collaborative=world.collaborative)
            member = TeamMemberFactory(team=team)
            ResourceFactory(
                collaborative=world.collaborative,
                kind="storyboard",
                team=team,
                uploaded_by=member.user,
            )
    as_user(client, world.faculty)
    client.get(url(world, "resource_list"))  # warm the session

    # session, user, organization, membership, collaborative, leadership roles, roster places,
    # savepoint; team labels; the resources with sessions, teams and uploaders; the sessions
    # to filter by; the organization switcher; release.
    with django_assert_num_queries(RESOURCE_LIST_QUERIES):
        response = client.get(url(world, "resource_list"))

    assert len(response.context["items"]) == count


def test_a_member_uploads_a_pdf_and_another_member_downloads_it_as_an_attachment(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("agenda.pdf", PDF, content_type="application/pdf")
    response = as_user(client, world.member).post(
        url(world, "resource_create"),
        {"kind": "toolkit", "title": "Toolkit", "file": upload, "url": ""},
    )
    assert response.status_code == 302
    with scopes_disabled():
        resource = Resource.objects.get()

    download = as_user(client, world.other).get(url(world, "resource_download", pk=resource.pk))

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_an_upload_that_is_not_an_allowed_type_is_refused_on_the_file_field(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00binary", content_type="application/pdf")

    response = as_user(client, world.member).post(
        url(world, "resource_create"), {"kind": "toolkit", "file": upload, "url": ""}
    )

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_another_teams_storyboard_cannot_be_downloaded_when_sharing_is_anonymized(client, org_a):
    world = make_world(org_a, data_sharing="anonymized")
    with scopes_disabled():
        storyboard = ResourceFactory(
            collaborative=world.collaborative,
            kind="storyboard",
            team=world.riverside,
            uploaded_by=world.member,
        )

    response = as_user(client, world.other).get(url(world, "resource_download", pk=storyboard.pk))

    assert response.status_code == 404


def test_the_resource_list_filters_by_kind(client, world):
    with scopes_disabled():
        ResourceFactory(collaborative=world.collaborative, kind="agenda", title="LS1 agenda")
        ResourceFactory(collaborative=world.collaborative, kind="link", title="IHI paper")

    html = as_user(client, world.member).get(url(world, "resource_list"), {"kind": "agenda"})
    html = html.content.decode()

    assert "LS1 agenda" in html
    assert "IHI paper" not in html


def test_only_the_uploader_or_staff_see_the_delete_page(client, world, alice):
    with scopes_disabled():
        resource = ResourceFactory(collaborative=world.collaborative, uploaded_by=world.member)
    page = url(world, "resource_delete", pk=resource.pk)

    assert as_user(client, world.other).get(page).status_code == 403
    assert as_user(client, alice).get(page).status_code == 200
    assert as_user(client, world.member).post(page).status_code == 302
    with scopes_disabled():
        assert not Resource.objects.exists()


def test_the_navigation_offers_feed_and_resources(client, world):
    html = as_user(client, world.member).get(url(world, "feed")).content.decode()

    assert f'href="{url(world, "feed")}"' in html
    assert f'href="{url(world, "resource_list")}"' in html


def test_the_uploader_renames_a_resource_and_describes_it(client, world):
    with scopes_disabled():
        resource = ResourceFactory(collaborative=world.collaborative, uploaded_by=world.member)
    page = url(world, "resource_update", pk=resource.pk)

    assert as_user(client, world.other).get(page).status_code == 403
    response = as_user(client, world.member).post(
        page, {"title": "TF-CBT white paper", "description": "Read **before** LS1", "session": ""}
    )

    assert response.status_code == 302
    with scopes_disabled():
        resource.refresh_from_db()
    assert (resource.title, resource.description) == ("TF-CBT white paper", "Read **before** LS1")


def test_an_empty_title_is_named_on_the_edit_form(client, world):
    with scopes_disabled():
        resource = ResourceFactory(collaborative=world.collaborative, uploaded_by=world.member)

    response = as_user(client, world.member).post(
        url(world, "resource_update", pk=resource.pk), {"title": " ", "session": ""}
    )

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
