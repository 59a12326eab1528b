"""The member list and what admins do there: invite, resend, withdraw, change roles, remove.

Every write goes through ``accounts.services``; a rule the service enforces
(such as "keep at least one admin") comes back as a ``DomainError`` and is
shown to the admin, never as an error page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts import permissions, selectors, services
from accounts.forms import InviteForm, MemberRoleForm
from accounts.models import Invitation, Membership, Role
from bsc.exceptions import DomainError
from bsc.views import OrganizationViewMixin


def _member_list_redirect(organization_slug: str, anchor: str = "") -> HttpResponseRedirect:
    response = redirect("member_list", org=organization_slug)
    response["Location"] += anchor
    return response


class MemberListView(OrganizationViewMixin, TemplateView):
    permission = permissions.VIEW_MEMBERS
    template_name = "accounts/members/member_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        can_manage = self.has_perm(permissions.MANAGE_MEMBERS)
        members = list(selectors.members_of_organization(self.organization))
        if can_manage:
            for member in members:
                # A unique auto_id per row keeps every <label for> pointing at its own select.
                member.role_form = MemberRoleForm(
                    initial={"role": member.role}, auto_id=f"member-{member.pk}-%s"
                )
            kwargs["invitations"] = list(selectors.pending_invitations(self.organization))
            kwargs.setdefault("invite_form", InviteForm(action=self.invite_url()))
            kwargs["invitation_days"] = settings.INVITATION_MAX_AGE.days
        kwargs["members"] = members
        kwargs["can_manage"] = can_manage
        return super().get_context_data(**kwargs)

    def invite_url(self) -> str:
        return reverse("member_invite", kwargs={"org": self.organization.slug})


class MemberInviteView(MemberListView):
    """Invalid input re-renders the member list with the errors next to the invite form."""

    permission = permissions.MANAGE_MEMBERS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = InviteForm(request.POST, action=self.invite_url())
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organization=self.organization,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. "
                    "The link works once and expires in "
                    f"{settings.INVITATION_MAX_AGE.days} days.",
                )
                return _member_list_redirect(self.organization.slug, "#invitations")
        return self.render_to_response(self.get_context_data(invite_form=form))


class MemberRoleView(OrganizationViewMixin, View):
    permission = permissions.MANAGE_MEMBERS

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose admin or member as the new role.")
            return _member_list_redirect(self.organization.slug)
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{membership.user.display_name} is now "
                f"{'an admin' if membership.role == Role.ADMIN else 'a member'}.",
            )
        return _member_list_redirect(self.organization.slug)


class MemberRemoveView(OrganizationViewMixin, TemplateView):
    """GET asks for confirmation; POST removes."""

    permission = permissions.MANAGE_MEMBERS
    template_name = "accounts/members/member_remove.html"

    def get_membership(self) -> Membership:
        return get_object_or_404(Membership.objects.select_related("user"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        membership = kwargs.setdefault("member", self.get_membership())
        kwargs["is_self"] = membership.user_id == self.request.user.pk
        return super().get_context_data(**kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.get_membership()
        try:
            services.membership_remove(membership=membership, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(member=membership))
        if membership.user_id == request.user.pk:
            messages.success(request, f"You have left {self.organization.name}.")
            return redirect("home")
        messages.success(
            request, f"{membership.user.display_name} is no longer a member of this organization."
        )
        return _member_list_redirect(self.organization.slug)


class InvitationResendView(OrganizationViewMixin, View):
    permission = permissions.MANAGE_MEMBERS

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        invitation = get_object_or_404(Invitation.objects, pk=pk)
        try:
            fresh = services.invitation_resend(invitation=invitation, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"A new invitation is on its way to {fresh.email}; the earlier link no "
                "longer works.",
            )
        return _member_list_redirect(self.organization.slug, "#invitations")


class InvitationRevokeView(OrganizationViewMixin, View):
    permission = permissions.MANAGE_MEMBERS

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        invitation = get_object_or_404(Invitation.objects, pk=pk)
        try:
            services.invitation_revoke(invitation=invitation, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"The invitation of {invitation.email} is withdrawn; its link is dead."
            )
        return _member_list_redirect(self.organization.slug, "#invitations")
