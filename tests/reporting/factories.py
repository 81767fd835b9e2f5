import factory
from factory.django import DjangoModelFactory

from reporting.models import Job, JobEvent


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    kind = "organisation_register_export"
    key = factory.Sequence(lambda n: f"organisation_register_export:test={n}")
    params = factory.LazyFunction(dict)
    state = "queued"


class JobEventFactory(DjangoModelFactory):
    class Meta:
        model = JobEvent

    job = factory.SubFactory(JobFactory)
    from_state = ""
    to_state = "queued"
