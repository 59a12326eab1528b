"""Personal API tokens: each person sees and revokes only their own, per organization."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from accounts import permissions, selectors, services
from accounts.forms import TokenCreateForm
from accounts.models import ApiToken
from bsc.exceptions import DomainError
from bsc.views import OrganizationViewMixin


class TokenListView(OrganizationViewMixin, TemplateView):
    permission = permissions.USE_API_TOKENS
    template_name = "accounts/tokens/token_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["tokens"] = list(selectors.tokens_of_user(self.organization, self.request.user))
        kwargs.setdefault("form", TokenCreateForm(action=self.create_url()))
        return super().get_context_data(**kwargs)

    def create_url(self) -> str:
        return reverse("token_create", kwargs={"org": self.organization.slug})


class TokenCreateView(TokenListView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TokenCreateForm(request.POST, action=self.create_url())
        if form.is_valid():
            try:
                token, secret = services.token_create(
                    organization=self.organization,
                    user=request.user,
                    name=form.cleaned_data["name"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                # The secret exists only in this response: not in the session, not in a
                # redirect, and no cache may keep a copy.
                response = render(
                    request,
                    "accounts/tokens/token_created.html",
                    {"organization": self.organization, "token": token, "secret": secret},
                )
                add_never_cache_headers(response)
                return response
        return self.render_to_response(self.get_context_data(form=form))


class TokenRevokeView(OrganizationViewMixin, View):
    permission = permissions.USE_API_TOKENS

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        # Someone else's token, even in this organization, does not exist for you.
        token = get_object_or_404(ApiToken.objects, pk=pk, user=request.user)
        services.token_revoke(token=token, actor=request.user)
        messages.success(
            request, f"The token “{token.name}” is revoked; requests that use it are now refused."
        )
        return redirect("token_list", org=self.organization.slug)
