from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from saphan.accounts.models import User
from saphan.orgs.models import Organisation

TEST_PASSWORD = "correct-horse-battery-9"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    name_th = factory.Sequence(lambda n: f"องค์กรทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test organisation {n}")
    kind = "cso"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "ทดสอบ"
    last_name = "ผู้ใช้"
    role = "field_worker"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()
