"""Factories for every model. Each creates its parents and keeps ``organization`` consistent."""

from __future__ import annotations

from datetime import timedelta

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
