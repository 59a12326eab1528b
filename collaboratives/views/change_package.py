"""The change package pages: the driver diagram, its edit mode, and the driver and idea forms.

Every member reads the diagram; editors (``EDIT_CHANGE_PACKAGE``: staff,
chairs, faculty) get the edit mode, an outline with buttons to add, edit,
move and delete. Views are thin: they load the change package once (three
queries, ``selectors.change_package``), hand input to
``services.change_package`` and show its refusals next to the field.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from bsc.exceptions import DomainError
from bsc.views import CollaborativeViewMixin
from collaboratives.forms.change_package import (
    ChangeIdeaForm,
    DeleteDriverForm,
    DriverForm,
    MoveForm,
)
from collaboratives.models import ChangeIdea, Driver
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    EDIT_CHANGE_PACKAGE,
    VIEW_COLLABORATIVE,
)
from collaboratives.selectors.change_package import ChangePackage, change_package_for
from collaboratives.services import change_package as services


class ChangePackageMixin(CollaborativeViewMixin):
    @cached_property
    def package(self) -> ChangePackage:
        return change_package_for(self.collaborative)

    @property
    def can_edit(self) -> bool:
        return self.has_perm(EDIT_CHANGE_PACKAGE) and not self.collaborative.is_archived

    def edit_url(self, anchor: str = "") -> str:
        url = reverse(
            "change_package_edit",
            kwargs={"org": self.organization.slug, "collab": self.collaborative.slug},
        )
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("package", self.package)
        kwargs.setdefault("can_edit", self.can_edit)
        kwargs.setdefault("can_configure", self.has_perm(CONFIGURE_COLLABORATIVE))
        return super().get_context_data(**kwargs)


def _show_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


class ChangePackageView(ChangePackageMixin, TemplateView):
    """The driver diagram: aim | primary drivers | secondary drivers | change ideas."""

    permission = VIEW_COLLABORATIVE
    template_name = "collaboratives/change_package/diagram.html"


class ChangePackageEditView(ChangePackageMixin, TemplateView):
    """The edit mode: the same tree as an outline, with a small toolbar on every line."""

    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/edit.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.collaborative.is_archived:
            messages.info(
                request, "This collaborative is archived, so its change package can only be read."
            )
            return redirect("change_package", org=self.organization.slug, collab=kwargs["collab"])
        return super().get(request, *args, **kwargs)


# --- Drivers ----------------------------------------------------------------------------


class DriverCreateView(ChangePackageMixin, TemplateView):
    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/driver_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "form" not in kwargs:
            parent = self.request.GET.get("parent", "")
            kwargs["form"] = DriverForm(
                package=self.package, initial={"parent": parent}, submit_label="Add driver"
            )
        kwargs.setdefault("title", "Add a driver")
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DriverForm(request.POST, package=self.package, submit_label="Add driver")
        if form.is_valid():
            try:
                driver = services.driver_create(
                    collaborative=self.collaborative,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    parent=form.cleaned_data["parent"],
                    actor=request.user,
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                kind = "primary" if driver.parent_id is None else "secondary"
                messages.success(request, f"Added the {kind} driver “{driver.title}”.")
                return HttpResponseRedirect(self.edit_url(f"driver-{driver.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class DriverObjectMixin(ChangePackageMixin):
    @cached_property
    def driver(self) -> Driver:
        return get_object_or_404(
            Driver.objects.filter(collaborative=self.collaborative).select_related("parent"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("driver", self.driver)
        return super().get_context_data(**kwargs)


class DriverUpdateView(DriverObjectMixin, TemplateView):
    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/driver_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "form" not in kwargs:
            kwargs["form"] = DriverForm(
                package=self.package,
                driver=self.driver,
                initial={
                    "title": self.driver.title,
                    "description": self.driver.description,
                    "parent": self.driver.parent_id or "",
                },
            )
        kwargs.setdefault("title", f"Edit “{self.driver.title}”")
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DriverForm(request.POST, package=self.package, driver=self.driver)
        if form.is_valid():
            try:
                services.driver_update(
                    driver=self.driver,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    parent=form.cleaned_data["parent"],
                    actor=request.user,
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, f"Saved the driver “{self.driver.title}”.")
                return HttpResponseRedirect(self.edit_url(f"driver-{self.driver.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class DriverDeleteView(DriverObjectMixin, TemplateView):
    """GET shows what would go with the driver; POST deletes (everything, if confirmed)."""

    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/driver_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        secondary_count, idea_count = services.driver_contents(self.driver)
        node = next(
            (
                found
                for primary in self.package.primaries
                for found in [primary, *primary.secondaries]
                if found.driver.pk == self.driver.pk
            ),
            None,
        )
        kwargs.setdefault("form", DeleteDriverForm())
        kwargs.update(node=node, secondary_count=secondary_count, idea_count=idea_count)
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DeleteDriverForm(request.POST)
        form.is_valid()
        title = self.driver.title
        try:
            services.driver_delete(
                driver=self.driver,
                delete_contents=bool(form.cleaned_data.get("confirm_all")),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(request, f"Deleted the driver “{title}”.")
        return HttpResponseRedirect(self.edit_url())


class DriverMoveView(CollaborativeViewMixin, View):
    permission = EDIT_CHANGE_PACKAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        driver = get_object_or_404(Driver.objects.filter(collaborative=self.collaborative), pk=pk)
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose whether to move the driver up or down.")
        else:
            try:
                services.driver_move(
                    driver=driver, direction=form.cleaned_data["direction"], actor=request.user
                )
            except DomainError as error:
                messages.error(request, error.message)
        return _back_to_edit(self, f"driver-{driver.pk}")


def _back_to_edit(view: CollaborativeViewMixin, anchor: str) -> HttpResponseRedirect:
    url = reverse(
        "change_package_edit",
        kwargs={"org": view.organization.slug, "collab": view.collaborative.slug},
    )
    return HttpResponseRedirect(f"{url}#{anchor}")


# --- Change ideas -------------------------------------------------------------------------


class ChangeIdeaCreateView(ChangePackageMixin, TemplateView):
    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/idea_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "form" not in kwargs:
            kwargs["form"] = ChangeIdeaForm(
                package=self.package,
                initial={"driver": self.request.GET.get("driver", "")},
                submit_label="Add change idea",
            )
        kwargs.setdefault("title", "Add a change idea")
        return super().get_context_data(**kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.package.is_empty:
            messages.info(request, "Add a driver first: every change idea hangs on a driver.")
            return HttpResponseRedirect(self.edit_url())
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ChangeIdeaForm(request.POST, package=self.package, submit_label="Add change idea")
        if form.is_valid():
            try:
                idea = services.change_idea_create(
                    collaborative=self.collaborative,
                    driver=form.cleaned_data["driver"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    evidence=form.cleaned_data["evidence"],
                    resources=form.cleaned_data["resources"],
                    actor=request.user,
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, f"Added the change idea “{idea.title}”.")
                return HttpResponseRedirect(self.edit_url(f"idea-{idea.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class ChangeIdeaObjectMixin(ChangePackageMixin):
    @cached_property
    def idea(self) -> ChangeIdea:
        return get_object_or_404(
            ChangeIdea.objects.filter(collaborative=self.collaborative).select_related("driver"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("idea", self.idea)
        return super().get_context_data(**kwargs)


class ChangeIdeaUpdateView(ChangeIdeaObjectMixin, TemplateView):
    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/idea_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if "form" not in kwargs:
            idea = self.idea
            kwargs["form"] = ChangeIdeaForm(
                package=self.package,
                initial={
                    "driver": idea.driver_id,
                    "title": idea.title,
                    "description": idea.description,
                    "evidence": idea.evidence,
                    "resources": idea.resources,
                },
            )
        kwargs.setdefault("title", f"Edit “{self.idea.title}”")
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ChangeIdeaForm(request.POST, package=self.package)
        if form.is_valid():
            try:
                services.change_idea_update(
                    idea=self.idea,
                    driver=form.cleaned_data["driver"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    evidence=form.cleaned_data["evidence"],
                    resources=form.cleaned_data["resources"],
                    actor=request.user,
                )
            except DomainError as error:
                _show_error(form, error)
            else:
                messages.success(request, f"Saved the change idea “{self.idea.title}”.")
                return HttpResponseRedirect(self.edit_url(f"idea-{self.idea.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class ChangeIdeaDeleteView(ChangeIdeaObjectMixin, TemplateView):
    permission = EDIT_CHANGE_PACKAGE
    template_name = "collaboratives/change_package/idea_delete.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        idea = self.idea
        try:
            services.change_idea_delete(idea=idea, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(), status=409)
        messages.success(request, f"Deleted the change idea “{idea.title}”.")
        return HttpResponseRedirect(self.edit_url(f"driver-{idea.driver_id}"))


class ChangeIdeaMoveView(CollaborativeViewMixin, View):
    permission = EDIT_CHANGE_PACKAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        idea = get_object_or_404(ChangeIdea.objects.filter(collaborative=self.collaborative), pk=pk)
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose whether to move the change idea up or down.")
        else:
            try:
                services.change_idea_move(
                    idea=idea, direction=form.cleaned_data["direction"], actor=request.user
                )
            except DomainError as error:
                messages.error(request, error.message)
        return _back_to_edit(self, f"idea-{idea.pk}")
