"""``seed_demo`` gives the national collaborative a feed and a resource library, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from collaboratives.models import Comment, Post, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True  # seed_demo runs with DEBUG on only
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())


def test_the_feed_has_a_pinned_announcement_and_team_posts_of_each_kind(seeded):
    with scopes_disabled():
        posts = Post.objects.filter(collaborative__slug="tf-cbt")
        assert set(posts.values_list("kind", flat=True)) == {
            "announcement",
            "win",
            "question",
            "lesson",
        }
        assert posts.filter(kind="announcement", pinned=True, team__isnull=True).exists()
        assert posts.filter(kind="win", team__isnull=False).exists()
        assert Comment.objects.filter(post__collaborative__slug="tf-cbt").count() >= 4


def test_the_library_has_links_a_text_file_and_a_pdf_agenda(seeded):
    with scopes_disabled():
        resources = Resource.objects.filter(collaborative__slug="tf-cbt")
        assert resources.filter(kind="link").exclude(url="").exists()
        assert resources.filter(content_type="text/plain").exists()
        agenda = resources.get(kind="agenda")
        assert agenda.content_type == "application/pdf"
        assert agenda.session is not None


def test_seeding_again_adds_no_posts(seeded):
    with scopes_disabled():
        before = (Post.objects.count(), Resource.objects.count())
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert (Post.objects.count(), Resource.objects.count()) == before
