import factory
from factory.django import DjangoModelFactory

from reporting.models import Job, JobEvent, JobRequest


class JobFactory(DjangoModelFactory):
    """`requested_by` also records that person's request, so they may follow the job."""

    class Meta:
        model = Job
        skip_postgeneration_save = True

    kind = "organisation_register_export"
    key = factory.Sequence(lambda n: f"organisation_register_export:test={n}")
    params = factory.LazyFunction(dict)
    state = "queued"

    @factory.post_generation
    def _requested(obj, create, extracted, **kwargs):
        if create and obj.requested_by_id:
            JobRequest.objects.get_or_create(job=obj, user_id=obj.requested_by_id)


class JobEventFactory(DjangoModelFactory):
    class Meta:
        model = JobEvent

    job = factory.SubFactory(JobFactory)
    from_state = ""
    to_state = "queued"
