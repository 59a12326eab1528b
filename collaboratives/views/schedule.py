"""Pages of the schedule: the calendar, learning sessions, action periods, calls, attendance,
and the private iCalendar feed.

Thin views: the request's collaborative (``request.collaborative``) and one
service call each; a business rule the service refuses comes back as a
``DomainError`` and is shown on the form field it names, never as an error page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from django_scopes import scope, scopes_disabled

from bsc.exceptions import DomainError
from bsc.tenancy import membership_for
from bsc.views import CollaborativeViewMixin
from collaboratives import calendar_feed
from collaboratives.forms.schedule import (
    ActionPeriodForm,
    AttendanceForm,
    CallForm,
    CallSeriesForm,
    LearningSessionForm,
    SessionMaterialForm,
    add_service_error,
)
from collaboratives.models import (
    ActionPeriod,
    CalendarFeed,
    Call,
    CallKind,
    CallSeries,
    LearningSession,
    SessionMaterial,
)
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    TAKE_ATTENDANCE,
    VIEW_COLLABORATIVE,
)
from collaboratives.selectors import schedule as selectors
from collaboratives.services import schedule as services
from teams.roles import TeamRole


class ScheduleViewMixin(CollaborativeViewMixin):
    """What every schedule page knows: may the caller change the schedule right now?"""

    def can_configure(self) -> bool:
        return self.has_perm(CONFIGURE_COLLABORATIVE) and not self.collaborative.is_archived

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(
            name,
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug, **kwargs},
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("can_configure", self.can_configure())
        kwargs.setdefault(
            "can_take_attendance",
            self.has_perm(TAKE_ATTENDANCE) and not self.collaborative.is_archived,
        )
        kwargs.setdefault("time_zone", self.organization.time_zone)
        return super().get_context_data(**kwargs)

    def visible_team_ids(self) -> frozenset[int] | None:
        """Teams whose attendance the caller may read (``CollaborativeAccess.can_view_team``):
        None for every team (faculty and staff)."""
        return self.access.viewable_team_ids()


# --- The calendar and its feed -------------------------------------------------------


class CalendarView(ScheduleViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/schedule/calendar.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        feed = services.calendar_feed_for(user=self.request.user, organization=self.organization)
        kwargs["months"] = selectors.calendar_agenda(self.collaborative)
        # The site's canonical address, as in e-mails: the link outlives this request.
        kwargs["feed_url"] = settings.SITE_URL + reverse(
            "calendar_feed", kwargs={"token": feed.token}
        )
        kwargs["webcal_url"] = "webcal://" + kwargs["feed_url"].split("://", 1)[1]
        return super().get_context_data(**kwargs)


class CalendarFeedResetView(ScheduleViewMixin, View):
    """POST: a new private address; the old one stops working at once."""

    permission = VIEW_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.calendar_feed_reset(
            user=request.user, organization=self.organization, actor=request.user
        )
        messages.success(
            request,
            "Your calendar link is new. Subscribe again with it: the old link no longer works.",
        )
        return HttpResponseRedirect(self.url("calendar") + "#subscribe")


@require_safe
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """``/calendar/<token>.ics``: outside ``/orgs/``, because calendar programs cannot sign in.

    The token is the credential. It is looked up across organizations (the one
    place here that must), then everything runs in the feed's organization's
    scope. An unknown token, or a user no longer a member of the organization
    (or switched off), gets 404.
    """
    with scopes_disabled():
        feed = (
            CalendarFeed.objects.select_related("organization", "user").filter(token=token).first()
        )
    if feed is None:
        raise Http404("No such calendar.")
    with scope(organization=feed.organization):
        if membership_for(feed.user, feed.organization) is None:
            raise Http404("No such calendar.")
        body = calendar_feed.build_calendar(feed).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    # The address is a secret: no shared caches, no search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Learning sessions -----------------------------------------------------------------


class LearningSessionListView(ScheduleViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/schedule/session_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["sessions"] = list(selectors.learning_sessions(self.collaborative))
        kwargs["periods"] = selectors.action_periods(self.collaborative)
        kwargs["today"] = timezone.localdate()
        return super().get_context_data(**kwargs)


class LearningSessionDetailView(ScheduleViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/schedule/session_detail.html"

    def get_session(self) -> LearningSession:
        return get_object_or_404(
            selectors.learning_sessions(self.collaborative), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        session = kwargs.setdefault("session", self.get_session())
        materials = list(session.materials.all())
        for material in materials:
            material.size = _stored_size(material)
        kwargs["materials"] = materials
        if self.can_configure():
            kwargs.setdefault("material_form", SessionMaterialForm())
        kwargs["material_max_mb"] = services.MATERIAL_MAX_BYTES // 1024 // 1024
        return super().get_context_data(**kwargs)


def _stored_size(material: SessionMaterial) -> int | None:
    """The file's size, or None for a link or a file missing from storage."""
    if not material.file:
        return None
    try:
        return material.file.size
    except OSError:
        return None


class LearningSessionFormView(ScheduleViewMixin, TemplateView):
    """Create (no ``pk``) or edit a learning session."""

    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/session_form.html"

    def get_session(self) -> LearningSession | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            LearningSession.objects.filter(collaborative=self.collaborative), pk=self.kwargs["pk"]
        )

    def make_form(self, session: LearningSession | None, data: Any = None) -> LearningSessionForm:
        if session is None:
            initial: dict[str, Any] = {"number": selectors.next_session_number(self.collaborative)}
        else:
            initial = {
                "number": session.number,
                "title": session.title,
                "start_date": session.start_date,
                "end_date": session.end_date,
                "location": session.location,
                "video_url": session.video_url,
                "host_team": session.host_team_id,
                "agenda": session.agenda,
            }
        return LearningSessionForm(
            data, initial=initial, teams=selectors.session_host_teams(self.collaborative)
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        return self.render_to_response(
            self.get_context_data(form=self.make_form(session), session=session)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        form = self.make_form(session, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if session is None:
                    session = services.learning_session_create(
                        collaborative=self.collaborative, actor=request.user, **data
                    )
                    messages.success(request, f"{session} is on the schedule.")
                else:
                    if data["end_date"] is None:
                        data["end_date"] = data["start_date"] + (
                            session.end_date - session.start_date
                        )
                    services.learning_session_update(session=session, actor=request.user, **data)
                    messages.success(request, f"{session} is saved.")
            except DomainError as error:
                add_service_error(form, error)
            else:
                return redirect(self.url("learning_session_detail", pk=session.pk))
        return self.render_to_response(self.get_context_data(form=form, session=session))


class LearningSessionDeleteView(ScheduleViewMixin, TemplateView):
    """GET asks for confirmation; POST deletes."""

    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/session_delete.html"

    def get_session(self) -> LearningSession:
        return get_object_or_404(
            selectors.learning_sessions(self.collaborative), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("session", self.get_session())
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        try:
            services.learning_session_delete(session=session, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.url("learning_session_detail", pk=session.pk))
        messages.success(request, f"{session} is deleted; the action periods are updated.")
        return redirect(self.url("learning_session_list"))


class SessionMaterialAddView(LearningSessionDetailView):
    """POST from the session page; invalid input re-renders it with the errors."""

    permission = CONFIGURE_COLLABORATIVE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = self.get_session()
        form = SessionMaterialForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                material = services.session_material_add(
                    session=session,
                    title=form.cleaned_data["title"],
                    file=form.cleaned_data["file"],
                    url=form.cleaned_data["url"],
                    actor=request.user,
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"“{material.title}” is added to {session}.")
                return HttpResponseRedirect(
                    self.url("learning_session_detail", pk=session.pk) + "#materials"
                )
        response = self.render_to_response(
            self.get_context_data(session=session, material_form=form)
        )
        response.status_code = 400
        return response


class SessionMaterialMixin(ScheduleViewMixin):
    def get_material(self) -> SessionMaterial:
        return get_object_or_404(
            SessionMaterial.objects.select_related("session").filter(
                session__collaborative=self.collaborative, session_id=self.kwargs["pk"]
            ),
            pk=self.kwargs["material"],
        )


class SessionMaterialDownloadView(SessionMaterialMixin, View):
    """A material's file, for members only: always as a download, never shown inline,
    so an uploaded web page cannot run in the site's name."""

    permission = VIEW_COLLABORATIVE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        material = self.get_material()
        if not material.file:
            if material.url:
                return HttpResponseRedirect(material.url)
            raise Http404("This material has no file.")
        try:
            handle = material.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing from storage.") from None
        filename = material.file.name.rsplit("/", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=filename)


class SessionMaterialDeleteView(SessionMaterialMixin, View):
    permission = CONFIGURE_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        material = self.get_material()
        try:
            services.session_material_delete(material=material, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"“{material.title}” is removed.")
        return HttpResponseRedirect(
            self.url("learning_session_detail", pk=material.session_id) + "#materials"
        )


# --- Action periods ------------------------------------------------------------------


class ActionPeriodListView(ScheduleViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/schedule/action_period_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["periods"] = selectors.action_periods(self.collaborative)
        kwargs["session_count"] = LearningSession.objects.filter(
            collaborative=self.collaborative
        ).count()
        return super().get_context_data(**kwargs)


class ActionPeriodMixin(ScheduleViewMixin):
    def get_period(self) -> ActionPeriod:
        return get_object_or_404(
            ActionPeriod.objects.filter(collaborative=self.collaborative), pk=self.kwargs["pk"]
        )


class ActionPeriodUpdateView(ActionPeriodMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/action_period_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        form = ActionPeriodForm(
            initial={
                "start_date": period.start_date,
                "end_date": period.end_date,
                "focus": period.focus,
            }
        )
        return self.render_to_response(self.get_context_data(form=form, period=period))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        form = ActionPeriodForm(request.POST)
        if form.is_valid():
            try:
                services.action_period_update(
                    period=period, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{period} is saved.")
                return redirect(self.url("action_period_list"))
        return self.render_to_response(self.get_context_data(form=form, period=period))


class ActionPeriodResetView(ActionPeriodMixin, View):
    permission = CONFIGURE_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        period = self.get_period()
        try:
            services.action_period_reset(period=period, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{period} follows the learning sessions' dates again.")
        return redirect(self.url("action_period_list"))


# --- Calls -----------------------------------------------------------------------------


class CallListView(ScheduleViewMixin, TemplateView):
    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/schedule/call_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        now = timezone.now()
        upcoming, past = selectors.upcoming_and_past_calls(self.collaborative, now=now)
        kwargs["upcoming"] = upcoming
        kwargs["past"] = past
        kwargs["series_list"] = selectors.call_series(self.collaborative)
        for series in kwargs["series_list"]:
            series.rule = services.describe_series_rule(series)
        kwargs["now"] = now
        return super().get_context_data(**kwargs)


class CallSeriesFormView(ScheduleViewMixin, TemplateView):
    """Schedule a monthly call (no ``pk``) or change one."""

    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/call_series_form.html"

    def get_series(self) -> CallSeries | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            CallSeries.objects.filter(collaborative=self.collaborative), pk=self.kwargs["pk"]
        )

    def make_form(self, series: CallSeries | None, data: Any = None) -> CallSeriesForm:
        if series is None:
            first, last = services.call_window(self.collaborative)
            today = timezone.localdate()
            initial: dict[str, Any] = {
                "kind": CallKind.ALL_TEAM,
                "week_of_month": 2,
                "weekday": 1,
                "duration_minutes": 60,
                "first_date": max(first, today) if today <= last else first,
                "last_date": last,
            }
        else:
            initial = {
                field: getattr(series, field)
                for field in (
                    "title",
                    "kind",
                    "affinity_role",
                    "week_of_month",
                    "weekday",
                    "start_time",
                    "duration_minutes",
                    "first_date",
                    "last_date",
                    "video_url",
                )
            }
        return CallSeriesForm(data, initial=initial, organization=self.organization)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = self.get_series()
        return self.render_to_response(
            self.get_context_data(form=self.make_form(series), series=series)
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = self.get_series()
        form = self.make_form(series, request.POST)
        if form.is_valid():
            try:
                if series is None:
                    series = services.call_series_create(
                        collaborative=self.collaborative, actor=request.user, **form.cleaned_data
                    )
                    count = series.calls.count()
                    messages.success(
                        request,
                        f"“{series.title}” is scheduled: {count} call{'s' if count != 1 else ''}.",
                    )
                else:
                    services.call_series_update(
                        series=series, actor=request.user, **form.cleaned_data
                    )
                    messages.success(
                        request,
                        f"“{series.title}” is saved; the calls still to come follow the change.",
                    )
            except DomainError as error:
                add_service_error(form, error)
            else:
                return redirect(self.url("call_list"))
        return self.render_to_response(self.get_context_data(form=form, series=series))


class CallSeriesDeleteView(ScheduleViewMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/call_series_delete.html"

    def get_series(self) -> CallSeries:
        return get_object_or_404(
            CallSeries.objects.filter(collaborative=self.collaborative), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        series = kwargs.setdefault("series", self.get_series())
        series.rule = services.describe_series_rule(series)
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = self.get_series()
        try:
            counts = services.call_series_delete(series=series, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(self.url("call_list"))
        kept = counts["kept"]
        messages.success(
            request,
            f"“{series.title}” is deleted with its {counts['deleted']} calls still to come."
            + (
                f" {kept} earlier call{'s stay' if kept != 1 else ' stays'} on record."
                if kept
                else ""
            ),
        )
        return redirect(self.url("call_list"))


class CallMixin(ScheduleViewMixin):
    def get_call(self) -> Call:
        return get_object_or_404(
            Call.objects.filter(collaborative=self.collaborative).select_related("series"),
            pk=self.kwargs["pk"],
        )


class CallFormView(CallMixin, TemplateView):
    """Schedule a one-off call (no ``pk``) or change one call."""

    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/call_form.html"

    def get_call_or_none(self) -> Call | None:
        return self.get_call() if "pk" in self.kwargs else None

    def make_form(self, call: Call | None, data: Any = None) -> CallForm:
        if call is None:
            initial: dict[str, Any] = {"kind": CallKind.ALL_TEAM, "duration_minutes": 60}
        else:
            local = timezone.localtime(call.starts_at, self.organization.tzinfo)
            initial = {
                "title": call.title,
                "kind": call.kind,
                "affinity_role": call.affinity_role,
                "date": local.date(),
                "start_time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": int((call.ends_at - call.starts_at).total_seconds() // 60),
                "video_url": call.video_url,
                "notes": call.notes,
            }
        return CallForm(data, initial=initial, organization=self.organization)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.get_call_or_none()
        return self.render_to_response(self.get_context_data(form=self.make_form(call), call=call))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.get_call_or_none()
        form = self.make_form(call, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            values = {
                "title": data["title"],
                "kind": data["kind"],
                "affinity_role": data["affinity_role"],
                "starts_at": data["starts_at"],
                "ends_at": data["ends_at"],
                "video_url": data["video_url"],
                "notes": data["notes"],
            }
            try:
                if call is None:
                    call = services.call_create(
                        collaborative=self.collaborative, actor=request.user, **values
                    )
                    messages.success(request, f"“{call.title}” is scheduled.")
                else:
                    services.call_update(call=call, actor=request.user, **values)
                    messages.success(request, f"“{call.title}” is saved.")
            except DomainError as error:
                if error.field == "starts_at":
                    error.field = "date"
                elif error.field == "ends_at":
                    error.field = "duration_minutes"
                add_service_error(form, error)
            else:
                return redirect(self.url("call_list"))
        return self.render_to_response(self.get_context_data(form=form, call=call))


class CallCancelView(CallMixin, View):
    """POST ``cancel=1`` cancels, ``cancel=0`` puts the call back on."""

    permission = CONFIGURE_COLLABORATIVE

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.get_call()
        cancel = request.POST.get("cancel", "1") != "0"
        try:
            services.call_set_cancelled(call=call, is_cancelled=cancel, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            local = timezone.localtime(call.starts_at)
            when = f"{local.day} {local:%b %Y}"
            messages.success(
                request,
                f"“{call.title}” on {when} is "
                + (
                    "cancelled; it stays on the calendar, marked cancelled."
                    if cancel
                    else "on again."
                ),
            )
        return redirect(self.url("call_list"))


class CallDeleteView(CallMixin, TemplateView):
    permission = CONFIGURE_COLLABORATIVE
    template_name = "collaboratives/schedule/call_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("call", self.get_call())
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.get_call()
        try:
            services.call_delete(call=call, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"“{call.title}” is deleted.")
        return redirect(self.url("call_list"))


# --- Attendance ----------------------------------------------------------------------


class CallAttendanceView(CallMixin, TemplateView):
    """The attendance sheet of one call: every active team with the members expected."""

    permission = TAKE_ATTENDANCE
    template_name = "collaboratives/schedule/call_attendance.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        call = kwargs.setdefault("call", self.get_call())
        sheet = kwargs.setdefault("sheet", selectors.attendance_sheet(call))
        kwargs.setdefault(
            "form",
            AttendanceForm(
                member_ids=[m.member.pk for team in sheet for m in team.members],
                initial={
                    "members": [m.member.pk for team in sheet for m in team.members if m.attended]
                },
            ),
        )
        form = kwargs["form"]
        if form.is_bound:
            kwargs["checked"] = {
                int(value) for value in form.data.getlist("members") if value.isdigit()
            }
        else:
            kwargs["checked"] = set(form.initial.get("members", []))
        kwargs["is_recorded"] = any(m.attended is not None for team in sheet for m in team.members)
        kwargs["expected_count"] = sum(len(team.members) for team in sheet)
        kwargs["has_started"] = call.starts_at <= timezone.now()
        if call.kind == CallKind.AFFINITY and call.affinity_role:
            kwargs["audience"] = (
                f"members with the role {TeamRole(call.affinity_role).label.lower()}"
            )
        elif call.kind == CallKind.SENIOR_LEADER:
            kwargs["audience"] = "senior leaders and day-to-day leaders"
        else:
            kwargs["audience"] = "every roster member"
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        call = self.get_call()
        sheet = selectors.attendance_sheet(call)
        form = AttendanceForm(
            request.POST, member_ids=[m.member.pk for team in sheet for m in team.members]
        )
        if form.is_valid():
            try:
                services.call_attendance_set(
                    call=call, member_ids=form.cleaned_data["members"], actor=request.user
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                count = len(form.cleaned_data["members"])
                messages.success(
                    request,
                    f"Attendance of “{call.title}” is saved: {count} "
                    f"{'person' if count == 1 else 'people'} present.",
                )
                return redirect(self.url("attendance_overview"))
        return self.render_to_response(self.get_context_data(call=call, sheet=sheet, form=form))


class AttendanceOverviewView(ScheduleViewMixin, TemplateView):
    """Attendance rate per team across the calls whose attendance was taken."""

    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/schedule/attendance_overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        visible = self.visible_team_ids()
        summary = selectors.attendance_summary(self.collaborative, visible_team_ids=visible)
        kinds = [(value, label) for value, label in CallKind.choices]
        kwargs["rows"] = [
            {"entry": entry, "kinds": [entry.kind(value) for value, _label in kinds]}
            for entry in summary
        ]
        kwargs["kinds"] = kinds
        kwargs["sees_all_teams"] = visible is None
        if visible is None:
            kwargs["calls"] = [
                call
                for call in selectors.calls_with_counts(self.collaborative).order_by("-starts_at")
                if call.teams_listed
            ]
        return super().get_context_data(**kwargs)
