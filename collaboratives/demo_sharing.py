"""Demo feed posts, comments and resources for the national collaborative (``seed_demo``).

Everything goes through ``services.sharing`` with each author's own access, so the demo obeys
the same rules as the pages: the chair pins an announcement, the Harbor team's day-to-day leader
posts the team's win, question and lesson, faculty answer. Posts are then spread over the last
three weeks so the feed reads like a collaborative under way.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Membership
from collaboratives.models import LearningSession, Post, PostKind, ResourceKind
from collaboratives.permissions import access_for
from collaboratives.services import sharing as services

if TYPE_CHECKING:
    from accounts.models import User
    from collaboratives.demo import DemoPeople
    from collaboratives.models import Collaborative
    from collaboratives.permissions import CollaborativeAccess

Report = Callable[[str], None]

# (author key, kind, title, body, days ago, comments as (author key, body))
POSTS: tuple[tuple[str, str, str, str, int, tuple[tuple[str, str], ...]], ...] = (
    (
        "chair",
        PostKind.ANNOUNCEMENT,
        "Learning Session 2: what to bring",
        "Bring your team's **storyboard** (one page: aim, measures, the changes you tested) "
        "and your PDSA tracker.\n\n"
        "- Day 1: team time and storyboard walk\n"
        "- Day 2: planning the next ramps, affinity groups\n\n"
        "Upload storyboards to the resource library before the session.",
        20,
        (
            ("lead", "Will the storyboard template be in the library?"),
            ("faculty", "Yes: it is under Toolkit items now."),
        ),
    ),
    (
        "lead",
        PostKind.WIN,
        "Same-day caregiver calls: 9 of 10 families reached",
        "We tested calling the caregiver on the **day of referral** instead of within a week.\n\n"
        "| Week | Families referred | Reached the same day |\n"
        "|:--|--:|--:|\n| 1 | 4 | 3 |\n| 2 | 6 | 6 |\n\n"
        "Next cycle: the front desk makes the call when the clinician is in session.",
        12,
        (
            ("faculty", "Great ramp. Does the front desk use the engagement script?"),
            ("lead", "Not yet; that is our next test, with two staff for one week."),
        ),
    ),
    (
        "lead",
        PostKind.QUESTION,
        "How do you fit consultation calls into a full caseload?",
        "Our clinicians miss about half of the fortnightly consultation calls. "
        "What has worked for other teams: protected time, shorter calls, or recordings?",
        7,
        (
            (
                "chair",
                "Teams that blocked the slot in the scheduling system doubled attendance. "
                "Ask the Blue Ridge team on the next all-team call.",
            ),
        ),
    ),
    (
        "faculty",
        PostKind.LESSON,
        "From the all-team call: start smaller than you think",
        "Three teams reported that their first tests were too big (a whole clinic for a month). "
        "A test with **one clinician for one day** gives an answer by tomorrow.",
        4,
        (),
    ),
    (
        "lead",
        PostKind.LESSON,
        "Text reminders alone did not move no-shows",
        "Two cycles of text reminders the day before: no change in the no-show rate. "
        "We **abandoned** texts on their own and are testing a call plus a text.",
        2,
        (),
    ),
)

LINKS: tuple[tuple[str, str, str, str], ...] = (
    (
        ResourceKind.LINK,
        "The Breakthrough Series: IHI's collaborative model",
        "https://www.ihi.org/resources/white-papers/breakthrough-series-ihis-collaborative-model-achieving-breakthrough-improvement",
        "The white paper behind the method: learning sessions, action periods, PDSA cycles.",
    ),
    (
        ResourceKind.TOOLKIT,
        "TF-CBT Web: free online training",
        "https://tfcbt2.musc.edu/",
        "The introductory course every new clinician completes before their first case.",
    ),
)

STORYBOARD_TEMPLATE = """Storyboard template (one page)

1. Team name, site and members
2. Aim: what, by how much, by when
3. Measures: one run chart per measure, with the changes marked
4. Changes tested: the PDSA ramps, with what you adopted, adapted or abandoned
5. What we learned, and what we will test next
"""


def _access(user: User, collaborative: Collaborative) -> CollaborativeAccess:
    membership = Membership.objects.filter(
        user=user, organization_id=collaborative.organization_id
    ).first()
    return access_for(user, membership, collaborative)


def _agenda_pdf() -> bytes | None:
    """A one-page agenda as a real PDF (xhtml2pdf); None if it cannot be made here."""
    try:
        from xhtml2pdf import pisa
    except ImportError:  # pragma: no cover - a dependency of the project
        return None
    buffer = io.BytesIO()
    result = pisa.CreatePDF(
        "<h1>Learning Session 1: Launch</h1>"
        "<h2>Day 1</h2><ul><li>09:00 The model for improvement</li>"
        "<li>11:00 Team time: aim and measures</li><li>14:00 Storyboard walk</li></ul>"
        "<h2>Day 2</h2><ul><li>09:00 Planning the first PDSA cycles</li>"
        "<li>13:00 Affinity groups</li><li>15:00 The action period ahead</li></ul>",
        dest=buffer,
    )
    return None if result.err else buffer.getvalue()


def seed_sharing(collaborative: Collaborative, people: DemoPeople, report: Report) -> None:
    """A few posts with comments and a small resource library for ``collaborative``."""
    authors = {"chair": people.chair, "faculty": people.faculty[0], "lead": people.team_lead}
    access = {key: _access(user, collaborative) for key, user in authors.items()}
    now = timezone.now()
    for author, kind, title, body, days_ago, comments in POSTS:
        post = services.post_create(
            collaborative=collaborative,
            access=access[author],
            actor=authors[author],
            kind=kind,
            title=title,
            body=body,
            pinned=kind == PostKind.ANNOUNCEMENT,
        )
        created = now - dt.timedelta(days=days_ago, hours=3)
        Post.objects.filter(pk=post.pk).update(created_at=created)
        for position, (commenter, text) in enumerate(comments):
            comment = services.comment_create(
                post=post, access=access[commenter], actor=authors[commenter], body=text
            )
            type(comment).objects.filter(pk=comment.pk).update(
                created_at=created + dt.timedelta(hours=4 * (position + 1))
            )
    staff_access = _access(people.staff, collaborative)
    for kind, title, url, description in LINKS:
        services.resource_create(
            collaborative=collaborative,
            access=staff_access,
            actor=people.staff,
            kind=kind,
            title=title,
            url=url,
            description=description,
        )
    services.resource_create(
        collaborative=collaborative,
        access=access["faculty"],
        actor=authors["faculty"],
        kind=ResourceKind.TOOLKIT,
        title="Storyboard template",
        description="Fill it in for **every** learning session.",
        upload=SimpleUploadedFile("storyboard-template.txt", STORYBOARD_TEMPLATE.encode()),
    )
    agenda = _agenda_pdf()
    session = LearningSession.objects.filter(collaborative=collaborative, number=1).first()
    if agenda:
        services.resource_create(
            collaborative=collaborative,
            access=staff_access,
            actor=people.staff,
            kind=ResourceKind.AGENDA,
            title="Learning Session 1 agenda",
            upload=SimpleUploadedFile("ls1-agenda.pdf", agenda),
            session=session,
        )
    report(f"Added {len(POSTS)} feed posts and the resource library of {collaborative.name}")
