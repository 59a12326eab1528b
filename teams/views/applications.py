"""Pages of applications: the window set-up, applying, the review queue and decisions.

Thin views: the tenancy middleware has loaded the organization and the
collaborative, each page declares its permission, and every write is one call
to ``teams.services.applications``. A rule a service refuses comes back as a
``DomainError`` and is shown next to the field it names, never as an error page.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Membership
from bsc.audit import AuditEntry
from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin
from collaboratives.permissions import (
    REVIEW_APPLICATIONS,
    VIEW_APPLICATIONS,
    VIEW_COLLABORATIVE,
)
from teams.forms.applications import (
    ROSTER_PREFIX,
    ApplicationForm,
    ApplicationQuestionForm,
    ApplicationWindowForm,
    DecisionForm,
    InviteApplicantForm,
    ReadinessItemForm,
    RosterFormSet,
    as_initial,
    roster_roles,
)
from teams.models import (
    Application,
    ApplicationQuestion,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
    TeamRole,
)
from teams.selectors import applications as selectors
from teams.services import applications as services

ROLE_LABELS = dict(TeamRole.choices)


def _add_error(form: Any, error: DomainError, *, fallback: str | None = None) -> None:
    """Put a service's message on the field it names, or at the top of the form."""
    field = error.field if error.field in form.fields else fallback
    form.add_error(field, error.message)


class ApplicationsMixin(CollaborativeViewMixin):
    """URLs of this collaborative's application pages, from the names in ``teams.urls``."""

    def collab_url(self, name: str, *args: Any) -> str:
        return reverse(name, args=[self.organization.slug, self.collaborative.slug, *args])

    # Whether the page needs the window's questions and statements too.
    window_with_form = True

    @cached_property
    def window(self) -> ApplicationWindow | None:
        return selectors.application_window_for(self.collaborative, with_form=self.window_with_form)


# --- Setting up the window -----------------------------------------------------------


class ApplicationWindowView(ApplicationsMixin, TemplateView):
    """The window's dates and instructions, its questions and its readiness statements."""

    permission = REVIEW_APPLICATIONS
    template_name = "teams/applications/setup.html"

    def window_form(self, data: Any = None) -> ApplicationWindowForm:
        window = self.window
        initial = (
            {
                "opens_at": window.opens_at,
                "closes_at": window.closes_at,
                "instructions": window.instructions,
            }
            if window
            else {}
        )
        return ApplicationWindowForm(
            data, initial=initial, time_zone=self.organization.time_zone.replace("_", " ")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        window = self.window
        kwargs.setdefault("window_form", self.window_form())
        if window is not None:
            kwargs.setdefault(
                "question_form",
                ApplicationQuestionForm(action=self.collab_url("application_question_create")),
            )
            kwargs.setdefault(
                "item_form", ReadinessItemForm(action=self.collab_url("readiness_item_create"))
            )
            kwargs["window_problem"] = services.window_problem(window)
            kwargs["questions"] = list(window.questions.all())
            kwargs["items"] = list(window.readiness_items.all())
        kwargs["window"] = window
        kwargs["application_count"] = Application.objects.filter(
            collaborative=self.collaborative
        ).count()
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.window_form(request.POST)
        if form.is_valid():
            try:
                services.application_window_save(
                    collaborative=self.collaborative,
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                    instructions=form.cleaned_data["instructions"],
                    actor=request.user,
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(request, "The application window is saved.")
                return redirect(self.collab_url("application_window"))
        return self.render_to_response(self.get_context_data(window_form=form))


class _FormPart:
    """What differs between questions and readiness statements on the set-up page."""

    def __init__(
        self,
        *,
        model: type,
        related_name: str,
        form_class: type,
        context_name: str,
        anchor: str,
        noun: str,
        create: Any,
        update: Any,
        move: Any,
        delete: Any,
        fields: tuple[str, ...],
        object_kwarg: str,
    ) -> None:
        self.model = model
        self.related_name = related_name
        self.form_class = form_class
        self.context_name = context_name
        self.anchor = anchor
        self.noun = noun
        self.create = create
        self.update = update
        self.move = move
        self.delete = delete
        self.fields = fields
        self.object_kwarg = object_kwarg


QUESTIONS = _FormPart(
    model=ApplicationQuestion,
    related_name="questions",
    form_class=ApplicationQuestionForm,
    context_name="question_form",
    anchor="#questions",
    noun="question",
    create=services.application_question_create,
    update=services.application_question_update,
    move=services.application_question_move,
    delete=services.application_question_delete,
    fields=("text", "help_text", "is_required"),
    object_kwarg="question",
)
READINESS = _FormPart(
    model=ReadinessItem,
    related_name="readiness_items",
    form_class=ReadinessItemForm,
    context_name="item_form",
    anchor="#readiness",
    noun="statement",
    create=services.readiness_item_create,
    update=services.readiness_item_update,
    move=services.readiness_item_move,
    delete=services.readiness_item_delete,
    fields=("statement", "max_score"),
    object_kwarg="item",
)


class _PartCreateView(ApplicationWindowView):
    """Add a question or statement; bad input re-renders the set-up page with the errors."""

    part: ClassVar[_FormPart]
    create_url_name: ClassVar[str]
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        part = self.part
        if self.window is None:
            messages.error(request, "Save the application window first.")
            return redirect(self.collab_url("application_window"))
        form = part.form_class(request.POST, action=self.collab_url(self.create_url_name))
        if form.is_valid():
            try:
                part.create(window=self.window, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(request, f"The {part.noun} is added.")
                return HttpResponseRedirect(self.collab_url("application_window") + part.anchor)
        return self.render_to_response(self.get_context_data(**{part.context_name: form}))


class ApplicationQuestionCreateView(_PartCreateView):
    part = QUESTIONS
    create_url_name = "application_question_create"


class ReadinessItemCreateView(_PartCreateView):
    part = READINESS
    create_url_name = "readiness_item_create"


class _PartObjectMixin(ApplicationsMixin):
    permission = REVIEW_APPLICATIONS
    part: ClassVar[_FormPart]

    def get_object(self) -> Any:
        return get_object_or_404(
            self.part.model.objects.select_related("window"),
            window__collaborative=self.collaborative,
            pk=self.kwargs["pk"],
        )

    def back(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(self.collab_url("application_window") + self.part.anchor)


class _PartEditView(_PartObjectMixin, TemplateView):
    template_name = "teams/applications/setup_edit.html"
    edit_url_name: ClassVar[str]

    def form(self, obj: Any, data: Any = None) -> Any:
        return self.part.form_class(
            data,
            initial={name: getattr(obj, name) for name in self.part.fields},
            submit_label=f"Save the {self.part.noun}",
            action=self.collab_url(self.edit_url_name, obj.pk),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        obj = kwargs.setdefault("object", self.get_object())
        kwargs.setdefault("form", self.form(obj))
        kwargs["noun"] = self.part.noun
        kwargs["back_url"] = self.collab_url("application_window") + self.part.anchor
        kwargs["application_count"] = Application.objects.filter(
            collaborative=self.collaborative
        ).count()
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.form(obj, request.POST)
        if form.is_valid():
            try:
                self.part.update(
                    **{self.part.object_kwarg: obj}, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(request, f"The {self.part.noun} is saved.")
                return self.back()
        return self.render_to_response(self.get_context_data(object=obj, form=form))


class ApplicationQuestionEditView(_PartEditView):
    part = QUESTIONS
    edit_url_name = "application_question_edit"


class ReadinessItemEditView(_PartEditView):
    part = READINESS
    edit_url_name = "readiness_item_edit"


class _PartMoveView(_PartObjectMixin, View):
    """``direction=up`` or ``down``: one place earlier or later on the form."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        siblings = list(getattr(obj.window, self.part.related_name).order_by("order", "id"))
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            messages.error(request, "Choose whether to move it up or down.")
            return self.back()
        position = index + (0 if direction == "up" else 2)
        try:
            self.part.move(**{self.part.object_kwarg: obj}, position=position, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return self.back()


class ApplicationQuestionMoveView(_PartMoveView):
    part = QUESTIONS


class ReadinessItemMoveView(_PartMoveView):
    part = READINESS


class _PartDeleteView(_PartObjectMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        try:
            self.part.delete(**{self.part.object_kwarg: obj}, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"The {self.part.noun} is removed from the form. Applications already "
                "submitted keep their answers to it.",
            )
        return self.back()


class ApplicationQuestionDeleteView(_PartDeleteView):
    part = QUESTIONS


class ReadinessItemDeleteView(_PartDeleteView):
    part = READINESS


class ApplicationInviteView(ApplicationsMixin, TemplateView):
    """Invite someone by e-mail to apply, and see who has been invited."""

    permission = REVIEW_APPLICATIONS
    template_name = "teams/applications/invite.html"
    window_with_form = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", InviteApplicantForm())
        kwargs["window"] = self.window
        kwargs["window_problem"] = services.window_problem(self.window)
        kwargs["invited"] = list(
            AuditEntry.objects.filter(
                organization=self.organization,
                action="bsc.application.invited",
                target_id=str(self.collaborative.pk),
                target_type__model="collaborative",
            )
            .select_related("actor")
            .order_by("-created_at", "-id")[:50]
        )
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = InviteApplicantForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.application_invite(
                    collaborative=self.collaborative,
                    email=form.cleaned_data["email"],
                    actor=request.user,
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                email = form.cleaned_data["email"].lower()
                if invitation is None:
                    text = f"We e-mailed {email} the link to the application form."
                else:
                    text = (
                        f"We e-mailed {email} the link to the application form, and an "
                        f"invitation to join {self.organization.name}, which they need to apply."
                    )
                messages.success(request, text)
                return redirect(self.collab_url("application_invite"))
        return self.render_to_response(self.get_context_data(form=form))


# --- Applying -----------------------------------------------------------------------------


class ApplicationApplyView(ApplicationsMixin, TemplateView):
    """The application form while the window is open, and the caller's own applications."""

    permission = VIEW_COLLABORATIVE
    template_name = "teams/applications/apply.html"

    def applicant_row(self) -> dict[str, Any]:
        user = self.request.user
        return {"full_name": user.full_name, "email": user.email}

    def blank_forms(self) -> tuple[ApplicationForm, Any]:
        assert self.window is not None
        form = ApplicationForm(window=self.window)
        formset = RosterFormSet(prefix=ROSTER_PREFIX, initial=[self.applicant_row()])
        return form, formset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        window = self.window
        problem = services.window_problem(window)
        if problem is None and "form" not in kwargs:
            kwargs["form"], kwargs["formset"] = self.blank_forms()
        if problem is None:
            kwargs.setdefault(
                "warnings",
                selectors.roster_warnings(self.collaborative, roster_roles(kwargs["formset"])),
            )
        kwargs["window"] = window
        kwargs["window_problem"] = problem
        kwargs["window_opens_later"] = (
            window is not None
            and self.collaborative.archived_at is None
            and timezone.now() < window.opens_at
        )
        kwargs["my_applications"] = selectors.applications_of_user(
            self.collaborative, self.request.user
        )
        kwargs["role_labels"] = ROLE_LABELS
        kwargs["team_rules"] = selectors.team_rules(self.collaborative)
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        problem = services.window_problem(self.window)
        if problem is not None:
            # Nothing to save: the page says why, in place of the form.
            messages.error(request, problem)
            return self.render_to_response(self.get_context_data())
        assert self.window is not None
        form = ApplicationForm(request.POST, window=self.window)
        formset = RosterFormSet(request.POST, prefix=ROSTER_PREFIX)
        warnings = selectors.roster_warnings(self.collaborative, roster_roles(formset))
        if "add_person" in request.POST:
            # Without JavaScript: show the same input again with one more empty row.
            more = type("RosterFormSetPlusOne", (RosterFormSet,), {"extra": 1})
            rows = [as_initial(row) for row in formset.forms]
            return self.render_to_response(
                self.get_context_data(
                    form=ApplicationForm(initial=as_initial(form), window=self.window),
                    formset=more(prefix=ROSTER_PREFIX, initial=rows),
                    warnings=warnings,
                    focus_last_person=True,
                )
            )
        valid = form.is_valid() & formset.is_valid()
        if valid and "check" not in request.POST:
            try:
                application = services.application_submit(
                    collaborative=self.collaborative,
                    applicant=request.user,
                    team_name=form.cleaned_data["team_name"],
                    site_name=form.cleaned_data["site_name"],
                    is_member_site=form.cleaned_data["is_member_site"],
                    answers=form.answers(),
                    scores=form.readiness(),
                    members=formset.people(),
                    actor=request.user,
                )
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    f"Your application for {application.team_name} is submitted. We e-mailed "
                    "you a copy; you will hear from us when staff have decided.",
                )
                return redirect(self.collab_url("application_detail", application.pk))
        return self.render_to_response(
            self.get_context_data(
                form=form, formset=formset, warnings=warnings, checked="check" in request.POST
            )
        )


class ApplicationCompositionView(ApplicationsMixin, View):
    """The composition check of the roster being filled in (htmx, as the applicant types)."""

    permission = VIEW_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        formset = RosterFormSet(request.POST, prefix=ROSTER_PREFIX)
        # A mangled management form makes an empty formset: an empty roster is checked.
        roles = roster_roles(formset)
        return TemplateResponse(
            request,
            "teams/applications/_composition.html",
            {
                "warnings": selectors.roster_warnings(self.collaborative, roles),
                "people": len(roles),
                "applying": True,
            },
        )


class ApplicationWithdrawView(ApplicationsMixin, View):
    permission = VIEW_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        application = get_object_or_404(
            Application.objects.filter(collaborative=self.collaborative), pk=pk
        )
        if not self.access.can_withdraw_application(application):
            raise PermissionDenied("Only the applicant can withdraw an application.")
        try:
            services.application_withdraw(application=application, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.collab_url("application_detail", application.pk))
        messages.success(request, f"Your application for {application.team_name} is withdrawn.")
        return HttpResponseRedirect(self.collab_url("application_apply") + "#my-applications")


# --- Reviewing ---------------------------------------------------------------------------


class ApplicationReviewView(ApplicationsMixin, TemplateView):
    """The review queue: readiness, composition check and status of every application."""

    permission = VIEW_APPLICATIONS
    template_name = "teams/applications/review.html"
    window_with_form = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sort = self.request.GET.get("sort", "submitted")
        if sort not in selectors.SORTS:
            sort = "submitted"
        status = self.request.GET.get("status") or ""
        if status not in ApplicationStatus.values:
            status = ""
        rows = selectors.review_queue(self.collaborative, sort=sort, status=status or None)
        kwargs.update(
            rows=rows,
            sort=sort,
            sorts=selectors.SORTS,
            status=status,
            statuses=ApplicationStatus.choices,
            window=self.window,
            window_problem=services.window_problem(self.window),
            can_review=self.has_perm(REVIEW_APPLICATIONS),
        )
        return super().get_context_data(**kwargs)


class ApplicationDetailView(ApplicationsMixin, TemplateView):
    """One application: answers, scores, proposed roster, warnings, and the decision."""

    permission = VIEW_COLLABORATIVE
    template_name = "teams/applications/detail.html"

    def get_application(self) -> Application:
        application = get_object_or_404(
            selectors.applications_with_roster(self.collaborative), pk=self.kwargs["pk"]
        )
        application.collaborative = self.collaborative
        if not self.access.can_view_application(application):
            raise PermissionDenied("Only the applicant and the collaborative's leaders see it.")
        return application

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.get_application()
        people = list(application.proposed_members.all())
        emails = {person.email.lower() for person in people if person.email}
        with_account = (
            set(
                Membership.objects.filter(organization=self.organization)
                .annotate(email=Lower("user__email"))
                .filter(email__in=emails)
                .values_list("email", flat=True)
            )
            if emails and self.has_perm(VIEW_APPLICATIONS)
            else set()
        )
        for person in people:
            person.role_labels = [ROLE_LABELS.get(role, role) for role in person.roles or []]
            person.has_account = bool(person.email) and person.email.lower() in with_account
        can_decide = (
            self.has_perm(REVIEW_APPLICATIONS) and application.status == ApplicationStatus.SUBMITTED
        )
        kwargs.update(
            application=application,
            people=people,
            answers=selectors.answers_of(application),
            scores=selectors.scores_of(application),
            readiness=selectors.readiness_of(application),
            warnings=selectors.warnings_for(application, self.collaborative),
            can_decide=can_decide,
            decision_form=DecisionForm() if can_decide else None,
            can_withdraw=self.access.can_withdraw_application(application)
            and application.status == ApplicationStatus.SUBMITTED,
            is_applicant=self.access.is_applicant(application),
            can_see_queue=self.has_perm(VIEW_APPLICATIONS),
        )
        return super().get_context_data(**kwargs)


class _DecisionView(ApplicationsMixin, View):
    permission = REVIEW_APPLICATIONS
    decide: ClassVar[Any]

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        application = get_object_or_404(
            Application.objects.filter(collaborative=self.collaborative), pk=pk
        )
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Keep the note under 5,000 characters.")
            return redirect(self.collab_url("application_detail", pk))
        try:
            decided = type(self).decide(
                application=application, note=form.cleaned_data["note"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.collab_url("application_detail", pk))
        messages.success(request, self.success_message(decided))
        return redirect(self.collab_url("application_review"))

    def success_message(self, application: Application) -> str:
        raise NotImplementedError


class ApplicationAcceptView(_DecisionView):
    decide = services.application_accept

    def success_message(self, application: Application) -> str:
        people = application.team.members.count() if application.team else 0
        noun = "person" if people == 1 else "people"
        return (
            f"{application.team_name} is accepted and is now a team of this collaborative, "
            f"with {people} {noun} on its roster. We e-mailed the applicant."
        )


class ApplicationDeclineView(_DecisionView):
    decide = services.application_decline

    def success_message(self, application: Application) -> str:
        return f"{application.team_name} is declined. We e-mailed the applicant."
