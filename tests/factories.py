"""Factories for every model. Each creates its parents and keeps ``organization`` consistent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import factory
from django.utils import timezone

from accounts.authentication import TOKEN_PREFIX, hash_token
from accounts.models import ApiToken, Invitation, Membership, Organization, Role, User
from bsc.audit import AuditEntry

DEFAULT_PASSWORD = "correct horse battery staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    time_zone = "America/New_York"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.MEMBER
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """``token.raw`` holds the secret, as ``token_create`` would have shown it once."""

    class Meta:
        model = ApiToken
        # ``raw`` is not excluded: an excluded attribute never reaches ``_create``,
        # which pops it before the model sees it.

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Token {n}")
    raw = factory.Sequence(lambda n: f"{TOKEN_PREFIX}test-token-{n:06d}")
    prefix = factory.LazyAttribute(lambda o: o.raw[: len(TOKEN_PREFIX) + 6])
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.raw))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        raw = kwargs.pop("raw", None)
        obj = super()._create(model_class, *args, **kwargs)
        obj.raw = raw
        return obj

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raw = kwargs.pop("raw", None)
        obj = super()._build(model_class, *args, **kwargs)
        obj.raw = raw
        return obj


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    organization = factory.SubFactory(OrganizationFactory)
    actor = factory.SubFactory(UserFactory)
    action = "bsc.organization.changed"
    data = factory.LazyFunction(dict)


# --- Collaboratives ----------------------------------------------------------


class CollaborativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Collaborative"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Trauma-Focused CBT Collaborative {n}")
    slug = factory.Sequence(lambda n: f"collab-{n}")
    kind = "national"
    topic = "Trauma-focused cognitive behavioural therapy"
    aim_statement = "Raise the share of children completing treatment from 40% to 70%."
    start_date = factory.LazyFunction(lambda: date(2026, 1, 1))
    end_date = factory.LazyFunction(lambda: date(2026, 12, 31))
    required_roles = factory.LazyFunction(
        lambda: {"agency_administrator": 1, "clinical_supervisor": 1, "clinician": 2}
    )


class AimGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.AimGoal"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    description = "Children completing treatment"
    baseline = 40
    target = 70
    unit = "%"


class CollaborativeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.CollaborativeRole"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    user = factory.SubFactory(UserFactory)
    role = "faculty"


class LearningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.LearningSession"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Learning Session {o.number}")
    start_date = factory.LazyAttribute(
        lambda o: date(2026, 1, 10) + timedelta(days=120 * (o.number - 1))
    )
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=1))
    location = "Durham, NC"


class SessionMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.SessionMaterial"

    session = factory.SubFactory(LearningSessionFactory)
    organization = factory.SelfAttribute("session.organization")
    title = "Slides"
    url = "https://example.org/slides.pdf"


class ActionPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.ActionPeriod"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    number = factory.Sequence(lambda n: n + 1)
    start_date = factory.LazyFunction(lambda: date(2026, 1, 12))
    end_date = factory.LazyFunction(lambda: date(2026, 5, 9))


class CallSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.CallSeries"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    kind = "all_team"
    title = "Monthly all-team call"
    week_of_month = 2
    weekday = 1
    start_time = factory.LazyFunction(lambda: time(15, 0))
    duration_minutes = 60
    first_date = factory.LazyFunction(lambda: date(2026, 2, 1))
    last_date = factory.LazyFunction(lambda: date(2026, 11, 30))


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Call"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    kind = "all_team"
    title = "All-team call"
    starts_at = factory.LazyFunction(lambda: datetime(2026, 2, 10, 20, 0, tzinfo=UTC))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.CalendarFeed"

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Driver"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    parent = None
    title = factory.Sequence(lambda n: f"Driver {n}")


class ChangeIdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.ChangeIdea"

    driver = factory.SubFactory(DriverFactory)
    collaborative = factory.SelfAttribute("driver.collaborative")
    organization = factory.SelfAttribute("driver.organization")
    title = factory.Sequence(lambda n: f"Change idea {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Assignment"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    kind = "reading"
    title = factory.Sequence(lambda n: f"Assignment {n}")
    due_date = factory.LazyFunction(lambda: date(2026, 1, 5))


# --- Teams and applications -------------------------------------------------------


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.Team"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    name = factory.Sequence(lambda n: f"Team {n}")
    site_name = factory.Sequence(lambda n: f"Community Clinic {n}")
    status = "active"


class TeamMemberFactory(factory.django.DjangoModelFactory):
    """``roles=["clinician"]`` adds roster roles."""

    class Meta:
        model = "teams.TeamMember"
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    organization = factory.SelfAttribute("team.organization")
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"member{n}@clinic.example")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create and extracted:
            from teams.models import TeamMemberRole

            for role in extracted:
                TeamMemberRole.objects.create(organization=obj.organization, member=obj, role=role)


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.AssignmentCompletion"

    assignment = factory.SubFactory(AssignmentFactory)
    organization = factory.SelfAttribute("assignment.organization")
    team = factory.SubFactory(
        TeamFactory, collaborative=factory.SelfAttribute("..assignment.collaborative")
    )
    completed_at = factory.LazyFunction(timezone.now)


class CallAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.CallAttendance"

    call = factory.SubFactory(CallFactory)
    organization = factory.SelfAttribute("call.organization")
    member = factory.SubFactory(
        TeamMemberFactory,
        team__collaborative=factory.SelfAttribute("...call.collaborative"),
    )
    team = factory.SelfAttribute("member.team")


class ApplicationWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.ApplicationWindow"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class ApplicationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.ApplicationQuestion"

    window = factory.SubFactory(ApplicationWindowFactory)
    organization = factory.SelfAttribute("window.organization")
    text = factory.Sequence(lambda n: f"Question {n}?")


class ReadinessItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.ReadinessItem"

    window = factory.SubFactory(ApplicationWindowFactory)
    organization = factory.SelfAttribute("window.organization")
    statement = factory.Sequence(lambda n: f"Readiness statement {n}")
    max_score = 5


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.Application"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    applicant = factory.SubFactory(UserFactory)
    team_name = factory.Sequence(lambda n: f"Applicant team {n}")
    site_name = "Riverside Clinic"
    submitted_at = factory.LazyFunction(timezone.now)


class ApplicationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.ApplicationMember"

    application = factory.SubFactory(ApplicationFactory)
    organization = factory.SelfAttribute("application.organization")
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"proposed{n}@clinic.example")
    roles = factory.LazyFunction(lambda: ["clinician"])


# --- Measures and monthly reports -------------------------------------------------


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.Measure"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    name = factory.Sequence(lambda n: f"Children completing treatment {n}")
    code = factory.Sequence(lambda n: f"m{n}")
    measure_type = "outcome"
    shape = "percentage"
    unit = "%"
    direction = "up"
    default_chart = "run"


class TeamGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.TeamGoal"

    measure = factory.SubFactory(MeasureFactory)
    organization = factory.SelfAttribute("measure.organization")
    team = factory.SubFactory(
        TeamFactory, collaborative=factory.SelfAttribute("..measure.collaborative")
    )
    goal = 75


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.MonthlyReport"

    team = factory.SubFactory(TeamFactory)
    collaborative = factory.SelfAttribute("team.collaborative")
    organization = factory.SelfAttribute("team.organization")
    month = factory.LazyFunction(lambda: date(2026, 3, 1))
    status = "draft"


class ReportEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.ReportEvent"

    report = factory.SubFactory(MonthlyReportFactory)
    organization = factory.SelfAttribute("report.organization")
    kind = "submitted"


class MetricValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.MetricValue"

    report = factory.SubFactory(MonthlyReportFactory)
    organization = factory.SelfAttribute("report.organization")
    team = factory.SelfAttribute("report.team")
    month = factory.SelfAttribute("report.month")
    measure = factory.SubFactory(
        MeasureFactory, collaborative=factory.SelfAttribute("..report.collaborative")
    )
    numerator = 7
    denominator = 10


class ValueChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.ValueChange"

    value = factory.SubFactory(MetricValueFactory)
    organization = factory.SelfAttribute("value.organization")
    new = factory.LazyFunction(lambda: {"numerator": "7", "denominator": "10"})


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.Reminder"

    report = factory.SubFactory(MonthlyReportFactory)
    organization = factory.SelfAttribute("report.organization")
    team = factory.SelfAttribute("report.team")
    kind = "due"
    email = factory.Sequence(lambda n: f"lead{n}@clinic.example")
    due_at = factory.LazyFunction(timezone.now)


class DigestDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.DigestDelivery"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    recipient = factory.SubFactory(UserFactory)
    week_start = factory.LazyFunction(lambda: date(2026, 3, 2))


# --- PDSA cycles -------------------------------------------------------------------


class PDSACycleFactory(factory.django.DjangoModelFactory):
    """``measures=[...]`` links measures."""

    class Meta:
        model = "pdsa.PDSACycle"
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    collaborative = factory.SelfAttribute("team.collaborative")
    organization = factory.SelfAttribute("team.organization")
    title = factory.Sequence(lambda n: f"Test of change {n}")
    objective = "See whether a checklist at intake helps families finish treatment."
    scale = "one clinician, one day"
    status = "planned"

    @factory.post_generation
    def measures(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.measures.set(extracted)


class PDSAAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pdsa.PDSAAttachment"

    cycle = factory.SubFactory(PDSACycleFactory)
    organization = factory.SelfAttribute("cycle.organization")
    file = factory.django.FileField(filename="data-sheet.pdf", data=b"%PDF-1.4\n%%EOF\n")
    file_name = "data-sheet.pdf"
    content_type = "application/pdf"
    size = 15


# --- Progress assessments and spread plans ------------------------------------------


def _score(text: str):
    from decimal import Decimal

    return Decimal(text)


class ProgressAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.ProgressAssessment"

    team = factory.SubFactory(TeamFactory)
    collaborative = factory.SelfAttribute("team.collaborative")
    organization = factory.SelfAttribute("team.organization")
    month = factory.LazyFunction(lambda: date(2026, 3, 1))
    kind = "faculty"
    score = factory.LazyFunction(lambda: _score("2.5"))
    justification = "Cycles on reminder calls; no change in the key measures yet."
    shared_with_team = True


class SpreadPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.SpreadPlan"

    team = factory.SubFactory(TeamFactory)
    collaborative = factory.SelfAttribute("team.collaborative")
    organization = factory.SelfAttribute("team.organization")
    what = "Reminder calls the day before each session."
    to_whom = "The two other outpatient clinics."
    expected_improvement = "Completion at 70% in every clinic."
    target_date = factory.LazyFunction(lambda: date(2026, 12, 1))
    learning_transfer = "Our clinicians coach one clinician per clinic for a month."


# --- Sharing: feed posts, comments, preferences, resources -----------------------------


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Post"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    kind = "win"
    title = factory.Sequence(lambda n: f"Reminder calls cut no-shows {n}")
    body = "We called families the day before; **no-shows fell** from 30% to 12%."
    author = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Comment"

    post = factory.SubFactory(PostFactory)
    organization = factory.SelfAttribute("post.organization")
    body = "How did you find the time to call everyone?"
    author = factory.SubFactory(UserFactory)


class FeedPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.FeedPreference"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    user = factory.SubFactory(UserFactory)
    frequency = "immediate"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "collaboratives.Resource"

    collaborative = factory.SubFactory(CollaborativeFactory)
    organization = factory.SelfAttribute("collaborative.organization")
    kind = "link"
    title = factory.Sequence(lambda n: f"IHI Breakthrough Series white paper {n}")
    url = "https://www.ihi.org/resources/white-papers/breakthrough-series"
    uploaded_by = factory.SubFactory(UserFactory)
