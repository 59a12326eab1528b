"""Sign-in, sign-out, password reset and change, and the profile page.

Django's own auth views do the work; these subclasses only choose our forms
(e-mail sign-in, password reset e-mail through Celery) and add messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.views.generic import FormView

from accounts import selectors, services
from accounts.forms import EmailAuthenticationForm, ProfileForm, QueuedPasswordResetForm


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Stored in the message cookie: the session it would live in is gone.
        messages.info(request, "You are signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


class ProfileView(LoginRequiredMixin, FormView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("profile")

    def get_initial(self) -> dict[str, Any]:
        user = self.request.user
        return {"full_name": user.full_name, "receive_digests": user.receive_digests}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["memberships"] = selectors.memberships_of_user(self.request.user)
        return super().get_context_data(**kwargs)

    def form_valid(self, form: ProfileForm) -> HttpResponseRedirect:
        services.user_update_profile(
            user=self.request.user,
            full_name=form.cleaned_data["full_name"].strip(),
            receive_digests=form.cleaned_data["receive_digests"],
        )
        messages.success(self.request, "Your profile is saved.")
        return super().form_valid(form)
