"""The page an invitation link opens.

Each way a link can fail has its own page, so the person who clicked knows
what to do next. A pending link leads to one of four paths, depending on who
is looking: the invited person signed in (confirm), someone else signed in
(sign out first), an existing account signed out (sign in first), or a new
person (create an account).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from accounts import grants, selectors, services
from accounts.forms import InvitationSignupForm
from accounts.invitations import invitation_from_token
from accounts.models import Invitation
from bsc.exceptions import DomainError

# Links that can no longer be used. 410 Gone: the link was real but is spent.
FINAL_STATE_TEMPLATES = {
    Invitation.Status.ACCEPTED: "accounts/invitations/accepted.html",
    Invitation.Status.EXPIRED: "accounts/invitations/expired.html",
    Invitation.Status.REPLACED: "accounts/invitations/replaced.html",
    Invitation.Status.REVOKED: "accounts/invitations/revoked.html",
}


class InvitationAcceptView(View):
    invitation: Invitation

    def dispatch(self, request: HttpRequest, *args: Any, token: str, **kwargs: Any) -> HttpResponse:
        invitation = invitation_from_token(token)
        if invitation is None:
            return render(request, "accounts/invitations/invalid.html", status=404)
        self.invitation = invitation
        status = invitation.status
        if status != Invitation.Status.PENDING:
            return self.render_page(FINAL_STATE_TEMPLATES[status], status=410)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, template: str, status: int = 200, **context: Any) -> HttpResponse:
        context["invitation"] = self.invitation
        context["invited_organization"] = self.invitation.organization
        context["offers"] = grants.describe_all(self.invitation)
        return render(self.request, template, context, status=status)

    def is_for_current_user(self) -> bool:
        return self.request.user.email.lower() == self.invitation.email.lower()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            if self.is_for_current_user():
                return self.render_page("accounts/invitations/confirm.html")
            return self.render_page("accounts/invitations/wrong_account.html")
        if selectors.user_exists_with_email(self.invitation.email):
            messages.info(
                request,
                f"You already have an account for {self.invitation.email}. Sign in to accept "
                f"the invitation to {self.invitation.organization.name}.",
            )
            return redirect_to_login(request.get_full_path())
        form = InvitationSignupForm(invitation=self.invitation)
        return self.render_page("accounts/invitations/signup.html", form=form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            if not self.is_for_current_user():
                return self.render_page("accounts/invitations/wrong_account.html")
            return self.accept(request)
        if selectors.user_exists_with_email(self.invitation.email):
            return redirect_to_login(request.get_full_path())
        return self.sign_up(request)

    def accept(self, request: HttpRequest) -> HttpResponse:
        try:
            services.invitation_accept(invitation=self.invitation, user=request.user)
        except DomainError as error:
            # Someone used or withdrew the link meanwhile: the next GET shows its state.
            messages.error(request, error.message)
            return redirect(request.get_full_path())
        return self.welcome(request)

    def sign_up(self, request: HttpRequest) -> HttpResponse:
        form = InvitationSignupForm(request.POST, invitation=self.invitation)
        if form.is_valid():
            try:
                user = services.user_create_from_invitation(
                    invitation=self.invitation,
                    full_name=form.cleaned_data["full_name"].strip(),
                    password=form.cleaned_data["password1"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                # The link proved the address, so no password check is needed; naming
                # the backend skips django-axes, which only counts password attempts.
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return self.welcome(request)
        return self.render_page("accounts/invitations/signup.html", form=form)

    def welcome(self, request: HttpRequest) -> HttpResponse:
        organization = self.invitation.organization
        messages.success(request, f"Welcome to {organization.name}! You are now a member.")
        return redirect("organization_home", org=organization.slug)
