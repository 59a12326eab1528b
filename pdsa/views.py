"""Pages of PDSA cycles: the collaborative's trackers, a team's tracker and board, a cycle
with its four stages, the printable worksheet, ramps and the faculty's spread map.

Thin views: who may read or write is asked of ``pdsa.permissions``; every write is
one call to ``pdsa.services``, whose errors land on the form fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin
from collaboratives.models import ChangeIdea
from collaboratives.permissions import VIEW_COLLABORATIVE
from collaboratives.uploads import attachment_response
from pdsa import permissions, selectors, services
from pdsa.forms import (
    STAGE_FORMS,
    STAGE_TITLES,
    AttachmentForm,
    StatusForm,
    TrackerFilterForm,
)
from pdsa.models import CycleStatus, Decision, PDSAAttachment, PDSACycle
from teams.models import Team, TeamStatus


def team_labels(collaborative: Any, access: Any) -> dict[int, str]:
    from measures.services.transfer import export_team_labels

    return export_team_labels(collaborative, access)


class PDSATeamMixin(CollaborativeViewMixin):
    """Pages of one team's cycles: ``.../teams/<int:team>/pdsa/...``."""

    permission = VIEW_COLLABORATIVE
    team: Team
    needs_edit = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        collaborative = getattr(request, "collaborative", None)
        self.team = get_object_or_404(
            Team.objects.filter(collaborative=collaborative), pk=kwargs.get("team")
        )
        access = request.access  # type: ignore[attr-defined]
        if not permissions.can_view_cycles(access, self.team):
            raise PermissionDenied("This team's cycles are not shared with you.")
        if self.needs_edit and not permissions.can_edit_cycles(access, self.team):
            raise PermissionDenied("Only the team's members change its cycles.")
        self.team.collaborative = collaborative
        return super().dispatch(request, *args, **kwargs)

    @property
    def can_edit(self) -> bool:
        return (
            permissions.can_edit_cycles(self.access, self.team)
            and not self.collaborative.is_archived
            and self.team.status != TeamStatus.WITHDRAWN
        )

    @property
    def anonymized(self) -> bool:
        return permissions.is_anonymized_for(self.access, self.team)

    def team_label(self) -> str:
        if not self.anonymized:
            return self.team.name
        return team_labels(self.collaborative, self.access).get(self.team.pk, "Another team")

    def url(self, name: str, **kwargs: Any) -> str:
        kwargs = {"org": self.organization.slug, "collab": self.collaborative.slug, **kwargs}
        if name not in ("pdsa_home", "pdsa_spread_map"):
            kwargs.setdefault("team", self.team.pk)
        return reverse(name, kwargs=kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.collaborative.organization = self.organization
        kwargs["team"] = self.team
        kwargs.setdefault("team_label", self.team_label())
        kwargs.setdefault("anonymized", self.anonymized)
        kwargs.setdefault("can_edit", self.can_edit)
        return super().get_context_data(**kwargs)


class CycleMixin(PDSATeamMixin):
    cycle: PDSACycle

    def load_cycle(self) -> PDSACycle:
        cycle = selectors.cycle_detail(self.collaborative, self.kwargs["cycle"])
        if cycle is None or cycle.team_id != self.team.pk:
            raise Http404("No such cycle.")
        cycle.team = self.team
        return cycle

    def cycle_url(self, name: str = "pdsa_detail", cycle: PDSACycle | None = None) -> str:
        return self.url(name, cycle=(cycle or self.cycle).pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("cycle", self.cycle)
        return super().get_context_data(**kwargs)


# --- Collaborative level -----------------------------------------------------------


class PDSAHomeView(CollaborativeViewMixin, TemplateView):
    """The trackers the caller may open: their own team's first, then the others shared."""

    permission = VIEW_COLLABORATIVE
    template_name = "pdsa/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        access = self.access
        labels = team_labels(self.collaborative, access)
        visible = permissions.viewable_cycle_team_ids(access)
        if visible is not None:
            labels = {pk: label for pk, label in labels.items() if pk in visible}
        counts: dict[int, dict[str, int]] = {}
        rows = (
            PDSACycle.objects.filter(collaborative=self.collaborative, team_id__in=list(labels))
            .order_by()
            .values("team_id", "status")
            .annotate(count=Count("id"))
        )
        for row in rows:
            counts.setdefault(row["team_id"], {})[row["status"]] = row["count"]
        teams = []
        for pk, label in labels.items():
            team_counts = counts.get(pk, {})
            teams.append(
                {
                    "pk": pk,
                    "label": label,
                    "own": pk in access.team_ids,
                    "counts": [
                        (s, CycleStatus(s).label, team_counts.get(s, 0)) for s in CycleStatus.values
                    ],
                    "total": sum(team_counts.values()),
                }
            )
        teams.sort(key=lambda row: (not row["own"], row["label"].casefold()))
        kwargs.update(
            teams=teams,
            can_view_spread_map=permissions.can_view_spread_map(access),
            shares=permissions.shares_cycles(access),
        )
        return super().get_context_data(**kwargs)


class SpreadMapView(CollaborativeViewMixin, TemplateView):
    """Faculty: which change ideas each team tested, how often, and where each stands."""

    permission = VIEW_COLLABORATIVE
    template_name = "pdsa/spread_map.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        access = getattr(request, "access", None)
        if access is not None and not permissions.can_view_spread_map(access):
            raise PermissionDenied("The spread map is for faculty and staff.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        spread = selectors.spread_map(self.collaborative, self.access)
        kwargs.update(spread=spread, rows=spread.rows(), other=spread.other_cells())
        return super().get_context_data(**kwargs)


# --- One team's tracker ------------------------------------------------------------


class TrackerView(PDSATeamMixin, TemplateView):
    template_name = "pdsa/tracker.html"
    board = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ideas = selectors.ideas_in_package_order(self.collaborative)
        form = TrackerFilterForm(self.request.GET or None, ideas=ideas)
        cycles = selectors.tracker_cycles(self.team)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            cycles = selectors.filter_cycles(
                cycles, idea=data["idea"], status=data["status"], month=data["month"]
            )
        cycles = list(cycles)
        kwargs.update(
            filter_form=form,
            cycles=cycles,
            filtered=form.is_bound,
            columns=selectors.board_columns(cycles) if self.board else None,
            board=self.board,
            page_label="PDSA board" if self.board else "PDSA tracker",
        )
        return super().get_context_data(**kwargs)


class CycleCreateView(PDSATeamMixin, TemplateView):
    """Plan a new cycle (the Plan form)."""

    template_name = "pdsa/stage_form.html"
    needs_edit = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form_class = STAGE_FORMS["plan"]
        initial: dict[str, Any] = {}
        if request.GET.get("idea", "").isdigit():
            initial["change_idea"] = int(request.GET["idea"])
        return self.render_to_response(
            self.get_context_data(form=form_class(team=self.team, initial=initial))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.can_edit:
            raise PermissionDenied("This tracker is closed.")
        form = STAGE_FORMS["plan"](request.POST, team=self.team)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            cycle = services.cycle_create(team=self.team, actor=request.user, data=form.values())
        except services.CycleErrors as error:
            _add_errors(form, error.errors)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except DomainError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, "The cycle is planned. Record what happens under Do.")
        return HttpResponseRedirect(self.url("pdsa_detail", cycle=cycle.pk))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.update(
            stage="plan",
            stage_title="Plan a new cycle",
            page_label="New cycle",
            cycle=None,
            cancel_url=self.url("pdsa_tracker"),
        )
        return super().get_context_data(**kwargs)


def _add_errors(form: Any, errors: dict[str, list[str]]) -> None:
    for name, items in errors.items():
        for message in items:
            form.add_error(name if name in form.fields else None, message)


class CycleDetailView(CycleMixin, TemplateView):
    template_name = "pdsa/detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.cycle = self.load_cycle()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        cycle = self.cycle
        moves = [
            (status, label)
            for status, label in CycleStatus.choices
            if status != cycle.status and (status != CycleStatus.DONE or cycle.decision)
        ]
        kwargs.update(
            page_label=cycle.title,
            moves=moves,
            changes=list(cycle.changes.select_related("changed_by")[:50]),
            attachment_form=AttachmentForm(),
            measures=list(cycle.measures.all()),
            next_cycles=list(cycle.next_cycles.all()),
            can_delete=self.can_edit and cycle.status == CycleStatus.PLANNED,
            can_start_next=self.can_edit and bool(cycle.decision),
        )
        return super().get_context_data(**kwargs)


class StageEditView(CycleMixin, TemplateView):
    """One stage of a cycle on one screen: Plan, Do, Study or Act."""

    template_name = "pdsa/stage_form.html"
    needs_edit = True

    def form_class(self) -> Any:
        stage = self.kwargs["stage"]
        if stage not in STAGE_FORMS:
            raise Http404("No such stage.")
        return STAGE_FORMS[stage]

    def make_form(self, data: Any = None) -> Any:
        form_class = self.form_class()
        extra = {"team": self.team} if self.kwargs["stage"] == "plan" else {}
        initial = {"version": self.cycle.version}
        return form_class(data, instance=self.cycle, initial=initial, **extra)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.cycle = self.load_cycle()
        if not self.can_edit:
            raise PermissionDenied("This tracker is closed.")
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.cycle = self.load_cycle()
        if not self.can_edit:
            raise PermissionDenied("This tracker is closed.")
        stage = self.kwargs["stage"]
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            cycle = services.cycle_update(
                cycle=self.cycle,
                actor=request.user,
                data=form.values(),
                version=form.cleaned_data.get("version"),
                stage=stage,
                advance=True,
            )
        except services.StaleCycleError as error:
            form.add_error(None, error.message)
            current = error.cycle
            data = request.POST.copy()
            data["version"] = str(current.version)
            self.cycle = self.load_cycle()
            rebound = self.make_form(data)
            rebound.is_valid()
            rebound.add_error(None, error.message)
            return self.render_to_response(
                self.get_context_data(form=rebound, conflict=True), status=409
            )
        except services.CycleErrors as error:
            _add_errors(form, error.errors)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            f"{STAGE_TITLES[stage]} saved. The cycle is {cycle.get_status_display().lower()}.",
        )
        return HttpResponseRedirect(self.cycle_url(cycle=cycle))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        stage = self.kwargs["stage"]
        kwargs.update(
            stage=stage,
            stage_title=f"{STAGE_TITLES[stage]}: {self.cycle.title}",
            page_label=STAGE_TITLES[stage],
            cancel_url=self.cycle_url(),
            scale_suggestion=services.suggest_next_scale(self.cycle.scale)
            if stage == "act"
            else "",
        )
        return super().get_context_data(**kwargs)


class CycleActionView(CycleMixin, View):
    """POST actions on a cycle: move status, start the next cycle, delete a draft."""

    http_method_names = ["post"]
    needs_edit = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.cycle = self.load_cycle()
        if not self.can_edit:
            raise PermissionDenied("This tracker is closed.")
        action = self.kwargs["action"]
        try:
            if action == "status":
                form = StatusForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Choose a status: planned, running, studying or done.")
                    return HttpResponseRedirect(self.cycle_url())
                cycle = services.cycle_move(
                    cycle=self.cycle,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    version=form.cleaned_data.get("version"),
                )
                messages.success(request, f"The cycle is now {cycle.get_status_display().lower()}.")
                if self.request.POST.get("next_board"):
                    return HttpResponseRedirect(self.url("pdsa_board"))
                return HttpResponseRedirect(self.cycle_url())
            if action == "next":
                cycle = services.cycle_start_next(cycle=self.cycle, actor=request.user)
                messages.success(
                    request,
                    "The next cycle of the ramp is planned from this one. Check its plan.",
                )
                return HttpResponseRedirect(self.url("pdsa_stage", cycle=cycle.pk, stage="plan"))
            if action == "delete":
                services.cycle_delete(cycle=self.cycle, actor=request.user)
                messages.success(request, f"The draft “{self.cycle.title}” is deleted.")
                return HttpResponseRedirect(self.url("pdsa_tracker"))
            if action == "attach":
                form = AttachmentForm(request.POST, request.FILES)
                if not form.is_valid():
                    messages.error(request, "Choose a PDF or an image to attach.")
                    return HttpResponseRedirect(self.cycle_url() + "#attachments")
                services.attachment_add(
                    cycle=self.cycle,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
                messages.success(request, "The file is attached.")
                return HttpResponseRedirect(self.cycle_url() + "#attachments")
        except services.StaleCycleError:
            messages.error(
                request, "The cycle changed after you opened it. Look again, then decide."
            )
            return HttpResponseRedirect(self.cycle_url())
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.cycle_url())
        raise Http404("No such action.")


class AttachmentView(CycleMixin, View):
    """Download an attachment (GET), or remove it (POST, the team only)."""

    http_method_names = ["get", "post"]

    def attachment(self) -> PDSAAttachment:
        self.cycle = self.load_cycle()
        attachment = next(
            (a for a in self.cycle.attachments.all() if a.pk == self.kwargs["attachment"]), None
        )
        if attachment is None:
            raise Http404("No such file.")
        return attachment

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return attachment_response(self.attachment())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        attachment = self.attachment()
        if not self.can_edit:
            raise PermissionDenied("Only the team's members change its cycles.")
        try:
            services.attachment_delete(attachment=attachment, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"“{attachment.file_name}” is removed.")
        return HttpResponseRedirect(self.cycle_url() + "#attachments")


class WorksheetView(CycleMixin, TemplateView):
    """The paper PDSA form, filled in: prints on one or two pages."""

    template_name = "pdsa/worksheet.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.cycle = self.load_cycle()
        return self.render_to_response(
            self.get_context_data(
                measures=list(self.cycle.measures.all()),
                position=services.ramp_position(self.cycle),
                decisions=Decision.choices,
                page_label="Worksheet",
            )
        )


class CycleRampView(CycleMixin, TemplateView):
    """The ramp a cycle belongs to: from its first test through each one built on it."""

    template_name = "pdsa/ramp.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.cycle = self.load_cycle()
        ramps = [selectors.ramp_for_cycle(self.cycle)]
        return self.render_to_response(
            self.get_context_data(
                ramps=ramps,
                idea=self.cycle.change_idea,
                heading=f"Ramp of “{self.cycle.title}”",
                page_label="Ramp",
            )
        )


class IdeaRampView(PDSATeamMixin, TemplateView):
    """Every ramp of a team toward one change idea."""

    template_name = "pdsa/ramp.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        idea = get_object_or_404(
            ChangeIdea.objects.filter(collaborative=self.collaborative), pk=kwargs["idea"]
        )
        ramps = selectors.ramps_for_idea(self.team, idea)
        return self.render_to_response(
            self.get_context_data(
                ramps=ramps,
                idea=idea,
                cycle=None,
                heading=f"Ramps toward “{idea.title}”",
                page_label="Ramp",
            )
        )
