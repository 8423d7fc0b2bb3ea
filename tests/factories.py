"""factory_boy factories for every app's models."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from bookings.models import Membership, Organisation, Unit
from expertbank.models import User
from expertbank.roles import Role, role_grant
from experts.models import Expert

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name", locale="fi_FI")
    language = "fi"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CoordinatorFactory(UserFactory):
    @factory.post_generation
    def coordinator_role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj, role=Role.COORDINATOR)


class TrainerFactory(UserFactory):
    @factory.post_generation
    def trainer_role(obj, create, extracted, **kwargs):
        if create:
            role_grant(user=obj, role=Role.TRAINER)


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    user = factory.SubFactory(UserFactory)
    municipality = "Vantaa"
    status = Expert.Status.ACTIVE


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    business_id = "1284613-4"
    kind = Organisation.Kind.CITY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Yksikkö {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.BOOKER
