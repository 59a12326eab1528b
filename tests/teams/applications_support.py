"""Shared set-up for the application tests: an open window, a full roster, an application."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_scopes import scope

from teams.models import Application, ApplicationWindow
from teams.services import applications as services
from tests.factories import (
    ApplicationQuestionFactory,
    ApplicationWindowFactory,
    CollaborativeFactory,
    ReadinessItemFactory,
)

QUESTIONS = [
    ("Why does your agency want to join?", True),
    ("Anything else we should know?", False),
]
STATEMENTS = [
    ("Leaders give staff protected time for improvement work.", 5),
    ("We already collect data on children's treatment every month.", 4),
]


def collaborative_in(organization: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("name", "TF-CBT Collaborative")
    kwargs.setdefault("slug", "tf-cbt")
    return CollaborativeFactory(organization=organization, **kwargs)


def open_window(collaborative: Any, **kwargs: Any) -> ApplicationWindow:
    """A window open from yesterday for a month, with two questions and two statements."""
    kwargs.setdefault("opens_at", timezone.now() - timedelta(days=1))
    kwargs.setdefault("closes_at", timezone.now() + timedelta(days=30))
    kwargs.setdefault("instructions", "Teams of five to ten people from one agency.")
    window = ApplicationWindowFactory(collaborative=collaborative, **kwargs)
    for order, (text, required) in enumerate(QUESTIONS, start=1):
        ApplicationQuestionFactory(window=window, text=text, is_required=required, order=order)
    for order, (statement, top) in enumerate(STATEMENTS, start=1):
        ReadinessItemFactory(window=window, statement=statement, max_score=top, order=order)
    return window


def full_roster() -> list[dict[str, Any]]:
    """Five people who meet a national collaborative's rules (no composition warning)."""
    return [
        {
            "full_name": "Rosa Leader",
            "email": "rosa@riverside.example",
            "phone": "555-0100",
            "job_title": "Executive director",
            "roles": ["senior_leader", "agency_administrator"],
        },
        {
            "full_name": "Sam Day",
            "email": "sam@riverside.example",
            "phone": "",
            "job_title": "Clinical director",
            "roles": ["day_to_day_leader", "clinical_supervisor"],
        },
        {
            "full_name": "Chris Clinician",
            "email": "chris@riverside.example",
            "phone": "",
            "job_title": "Therapist",
            "roles": ["clinician"],
        },
        {
            "full_name": "Kim Clinician",
            "email": "",
            "phone": "555-0104",
            "job_title": "Therapist",
            "roles": ["clinician"],
        },
        {
            "full_name": "Pat Parent",
            "email": "pat@family.example",
            "phone": "",
            "job_title": "",
            "roles": ["family_partner"],
        },
    ]


def answers_for(window: ApplicationWindow, **by_text: str) -> dict[str, str]:
    """An answer to each question (the required one filled in)."""
    with scope(organization=window.organization):
        questions = list(window.questions.order_by("order"))
    return {
        str(question.pk): by_text.get(question.text, f"Answer to: {question.text}")
        for question in questions
    }


def scores_for(window: ApplicationWindow, *values: int) -> dict[str, int]:
    with scope(organization=window.organization):
        items = list(window.readiness_items.order_by("order"))
    values = values or tuple(3 for _ in items)
    return {str(item.pk): value for item, value in zip(items, values, strict=True)}


def submit(
    window: ApplicationWindow, applicant: Any, *, team_name: str = "Riverside", **kwargs: Any
) -> Application:
    """Apply through the service, as a member would."""
    kwargs.setdefault("site_name", "Riverside Family Services")
    kwargs.setdefault("answers", answers_for(window))
    kwargs.setdefault("scores", scores_for(window))
    kwargs.setdefault("members", full_roster())
    with scope(organization=window.organization):
        return services.application_submit(
            collaborative=window.collaborative,
            applicant=applicant,
            team_name=team_name,
            actor=applicant,
            **kwargs,
        )
