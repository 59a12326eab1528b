"""The sharing API: the permission matrix over every route, the contract, and the rules.

Personas: alice (org admin = staff), bob (member of the organization on no roster), member
(a clinician on Riverside, who wrote the post and added the resource), other (a clinician on
Hillside, who wrote the comment), faculty, carol (the outsider, org B) and an anonymous caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from collaboratives.api import sharing_urls
from collaboratives.models import Comment, Post, Resource
from tests.api_routes import api_endpoints
from tests.collaboratives.sharing_support import make_world
from tests.factories import CommentFactory, PostFactory, ResourceFactory, TeamFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "member", "other", "faculty", "carol", "anonymous")

READ = (200, 200, 200, 200, 200, 404, 401)
PARTICIPATE = (201, 403, 201, 201, 201, 404, 401)
POST_AUTHOR = (403, 403, 200, 403, 403, 404, 401)
REMOVE_POST = (204, 403, 204, 403, 204, 404, 401)
COMMENT_AUTHOR = (403, 403, 403, 200, 403, 404, 401)
REMOVE_COMMENT = (204, 403, 403, 204, 204, 404, 401)
CHANGE_RESOURCE = (200, 403, 200, 403, 403, 404, 401)
DELETE_RESOURCE = (204, 403, 204, 403, 403, 404, 401)
CHOOSE = (200, 200, 200, 200, 200, 404, 401)

POST_LIST_QUERIES = 12
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    expected: tuple[int, ...]
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


MATRIX = [
    Case("api:post-list", "get", READ),
    Case("api:post-list", "post", PARTICIPATE, {"kind": "win", "title": "Calls work"}),
    Case("api:post-detail", "get", READ),
    Case("api:post-detail", "patch", POST_AUTHOR, {"body": "Updated"}),
    Case("api:post-detail", "delete", REMOVE_POST),
    Case("api:post-comments", "get", READ),
    Case("api:post-comments", "post", PARTICIPATE, {"body": "Thanks!"}),
    Case("api:post-comment", "patch", COMMENT_AUTHOR, {"body": "Edited"}),
    Case("api:post-comment", "delete", REMOVE_COMMENT),
    Case("api:resource-list", "get", READ),
    Case(
        "api:resource-list",
        "post",
        PARTICIPATE,
        {"kind": "toolkit", "link": "https://www.ihi.org/toolkit"},
    ),
    Case("api:resource-detail", "get", READ),
    Case("api:resource-detail", "patch", CHANGE_RESOURCE, {"title": "Renamed"}),
    Case("api:resource-detail", "delete", DELETE_RESOURCE),
    Case("api:resource-download", "get", READ),
    Case("api:feed-preference", "get", READ),
    Case("api:feed-preference", "put", CHOOSE, {"frequency": "immediate"}),
    Case("api:feed-preference", "patch", CHOOSE, {"frequency": "off"}),
]


@pytest.fixture
def world(org_a, alice, bob, carol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(org_a, alice=alice)
    with scopes_disabled():
        world.post = PostFactory(
            collaborative=world.collaborative,
            author=world.member,
            team=world.riverside,
            title="Reminder calls",
            body="**Fewer** no-shows.",
        )
        world.comment = CommentFactory(
            post=world.post, author=world.other, team=world.hillside, body="How?"
        )
        world.resource = ResourceFactory(
            collaborative=world.collaborative,
            kind="toolkit",
            url="",
            file=SimpleUploadedFile("toolkit.pdf", PDF),
            file_name="toolkit.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=world.member,
        )
    return world


def _client(world, persona, request) -> APIClient:
    client = APIClient()
    users = {
        "alice": lambda: request.getfixturevalue("alice"),
        "bob": lambda: request.getfixturevalue("bob"),
        "carol": lambda: request.getfixturevalue("carol"),
        "member": lambda: world.member,
        "other": lambda: world.other,
        "faculty": lambda: world.faculty,
    }
    if persona != "anonymous":
        client.force_login(users[persona]())
    return client


def _url(world, name: str, **extra: Any) -> str:
    kwargs: dict[str, Any] = {"org": "org-a", "collab": world.collaborative.slug, **extra}
    if name.startswith("api:post-") and name != "api:post-list":
        kwargs.setdefault("pk", world.post.pk)
    if name == "api:post-comment":
        kwargs.setdefault("comment", world.comment.pk)
    if name.startswith("api:resource-") and name != "api:resource-list":
        kwargs.setdefault("pk", world.resource.pk)
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, world, case: Case, persona: str):
    client = _client(world, persona, request)

    response = getattr(client, case.method)(_url(world, case.name), case.body, format="json")

    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_sharing_api():
    routed = set(api_endpoints(sharing_urls.urlpatterns))

    assert routed == {(case.name, case.method) for case in MATRIX}


# --- Cross-tenant ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "body"),
    [
        ("api:post-detail", "get", None),
        ("api:post-detail", "patch", {"body": "Taken over"}),
        ("api:post-detail", "delete", None),
        ("api:post-comments", "post", {"body": "Hi"}),
        ("api:post-comment", "delete", None),
        ("api:resource-detail", "patch", {"title": "Taken over"}),
        ("api:resource-detail", "delete", None),
        ("api:resource-download", "get", None),
    ],
)
def test_org_bs_posts_and_resources_are_not_found_under_org_a(
    request, world, org_b, name, method, body
):
    other = make_world(org_b)
    with scopes_disabled():
        post = PostFactory(collaborative=other.collaborative, author=other.member)
        comment = CommentFactory(post=post, author=other.member)
        resource = ResourceFactory(collaborative=other.collaborative, uploaded_by=other.member)
    extra: dict[str, Any] = {}
    if name.startswith("api:post-"):
        extra["pk"] = post.pk
    if name == "api:post-comment":
        extra["comment"] = comment.pk
    if name.startswith("api:resource-"):
        extra["pk"] = resource.pk

    response = getattr(_client(world, "alice", request), method)(
        _url(world, name, **extra), body, format="json"
    )

    assert response.status_code == 404
    with scopes_disabled():
        assert not Post.objects.get(pk=post.pk).is_removed
        assert Comment.objects.filter(post=post).count() == 1
        assert Resource.objects.filter(pk=resource.pk).exists()


# --- Contract and rules ----------------------------------------------------------------------


def test_a_post_reads_as_the_whole_contract(request, world):
    response = _client(world, "member", request).get(_url(world, "api:post-detail"))

    post = world.post
    assert response.json() == {
        "id": post.pk,
        "url": f"http://testserver{_url(world, 'api:post-detail')}",
        "kind": "win",
        "title": "Reminder calls",
        "body": "**Fewer** no-shows.",
        "body_html": "<p><strong>Fewer</strong> no-shows.</p>",
        "team": world.riverside.pk,
        "team_label": "Riverside Clinic",
        "author": "Max Member",
        "pinned": False,
        "created_at": response.json()["created_at"],
        "edited_at": None,
        "comment_count": 1,
        "removed": False,
        "can_edit": True,
        "can_remove": True,
    }


def test_a_member_posts_for_their_team_and_gets_the_post_back(request, world):
    response = _client(world, "member", request).post(
        _url(world, "api:post-list"),
        {"kind": "question", "title": "Who calls?", "body": "Front desk or clinician?"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["team_label"], response.json()["author"]) == (
        "Riverside Clinic",
        "Max Member",
    )


def test_a_member_posting_an_announcement_is_forbidden(request, world):
    response = _client(world, "member", request).post(
        _url(world, "api:post-list"), {"kind": "announcement", "title": "Hi"}, format="json"
    )

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


def test_posting_for_another_team_is_bad_input_on_the_team_field(request, world):
    response = _client(world, "member", request).post(
        _url(world, "api:post-list"),
        {"kind": "win", "title": "Theirs", "team": world.hillside.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "team" in response.json()["errors"]


def test_a_team_of_another_collaborative_is_bad_input(request, world, org_a):
    with scopes_disabled():
        stranger = TeamFactory(collaborative__organization=org_a)

    response = _client(world, "faculty", request).post(
        _url(world, "api:post-list"),
        {"kind": "win", "title": "X", "team": stranger.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "team" in response.json()["errors"]


def test_the_list_filters_by_kind(request, world):
    with scopes_disabled():
        PostFactory(collaborative=world.collaborative, kind="question", title="Q")

    response = _client(world, "member", request).get(
        _url(world, "api:post-list"), {"kind": "question"}
    )

    assert [item["title"] for item in response.json()["results"]] == ["Q"]


def test_anonymized_sharing_hides_the_team_id_name_and_author(request, org_a, alice, bob):
    world = make_world(org_a, data_sharing="anonymized")
    with scopes_disabled():
        PostFactory(collaborative=world.collaborative, author=world.member, team=world.riverside)

    (item,) = _client(world, "other", request).get(_url(world, "api:post-list")).json()["results"]

    assert item["team"] is None
    assert item["team_label"].startswith("Team ")
    assert item["author"] == f"A member of {item['team_label']}"


def test_a_post_body_with_script_comes_back_sanitized_as_html(request, world):
    response = _client(world, "member", request).post(
        _url(world, "api:post-list"),
        {"kind": "win", "title": "X", "body": "<script>alert(1)</script><img src=x onerror=y>"},
        format="json",
    )

    html = response.json()["body_html"]
    assert "<script" not in html
    assert "<img" not in html


def test_a_file_is_uploaded_as_multipart_and_downloaded_as_an_attachment(request, world):
    client = _client(world, "other", request)
    upload = SimpleUploadedFile("storyboard.pdf", PDF, content_type="application/pdf")

    created = client.post(
        _url(world, "api:resource-list"),
        {"kind": "storyboard", "title": "Our storyboard", "file": upload},
        format="multipart",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["team_label"], body["file_name"], body["content_type"]) == (
        "Hillside Center",
        "storyboard.pdf",
        "application/pdf",
    )
    download = client.get(body["download"])
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


def test_an_executable_upload_is_bad_input_on_the_file_field(request, world):
    upload = SimpleUploadedFile("tool.pdf", b"MZ\x90\x00\x03\x00", content_type="application/pdf")

    response = _client(world, "member", request).post(
        _url(world, "api:resource-list"), {"kind": "toolkit", "file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_link_must_be_http_or_https(request, world):
    response = _client(world, "member", request).post(
        _url(world, "api:resource-list"),
        {"kind": "link", "link": "javascript:alert(1)"},
        format="json",
    )

    assert response.status_code == 400
    assert "url" in response.json()["errors"]


def test_the_preference_defaults_to_the_daily_digest(request, world):
    response = _client(world, "member", request).get(_url(world, "api:feed-preference"))

    assert response.json() == {"frequency": "daily"}


def test_an_unknown_frequency_is_bad_input(request, world):
    response = _client(world, "member", request).put(
        _url(world, "api:feed-preference"), {"frequency": "hourly"}, format="json"
    )

    assert response.status_code == 400
    assert "frequency" in response.json()["errors"]


@pytest.mark.parametrize("count", [2, 50])
def test_the_post_list_runs_the_same_queries_for_2_or_50_teams(
    request, world, count, django_assert_num_queries
):
    with scopes_disabled():
        for index in range(count):
            team = TeamFactory(collaborative=world.collaborative)
            PostFactory(collaborative=world.collaborative, team=team, title=f"P{index}")
    client = _client(world, "other", request)

    # session, user, organization, membership, collaborative, leadership roles, roster places,
    # savepoint; team labels; count and page of posts (authors, teams, comment counts); release.
    with django_assert_num_queries(POST_LIST_QUERIES):
        response = client.get(_url(world, "api:post-list"))

    assert response.status_code == 200


def test_a_resource_is_moved_to_a_session_of_the_collaborative_only(request, world, org_a):
    from tests.factories import LearningSessionFactory

    with scopes_disabled():
        session = LearningSessionFactory(collaborative=world.collaborative)
        foreign = LearningSessionFactory(collaborative__organization=org_a)
    client = _client(world, "member", request)

    moved = client.patch(_url(world, "api:resource-detail"), {"session": session.pk}, format="json")
    refused = client.patch(
        _url(world, "api:resource-detail"), {"session": foreign.pk}, format="json"
    )

    assert moved.json()["session"] == session.pk
    assert refused.status_code == 400
    assert "session" in refused.json()["errors"]


def test_comments_read_with_their_teams(request, world):
    response = _client(world, "member", request).get(_url(world, "api:post-comments"))

    assert response.json() == [
        {
            "id": world.comment.pk,
            "body": "How?",
            "body_html": "<p>How?</p>",
            "author": "Olga Other",
            "team_label": "Hillside Center",
            "created_at": response.json()[0]["created_at"],
            "edited_at": None,
            "removed": False,
            "can_edit": False,
            "can_remove": False,
        }
    ]
