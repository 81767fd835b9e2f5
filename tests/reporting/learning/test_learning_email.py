"""E-mailing the shared learning digest: a new version goes once, after commit, to the
Alliance's leads and contributors and the council's commissioners; a rerun or a duplicate
delivery that stores nothing new sends nothing; a lost e-mail is sent by the next compile.
Also the nightly run that compiles each active contract's most recent ended period."""

import pytest
from django.core import mail

from alliance.models import Contract, ContractStatus
from reporting.learning.models import LearningDigest
from reporting.learning.services import learning_compile, learning_key, learning_nightly
from reporting.models import Job
from reporting.services.jobs import job_request, job_run
from tests.alliance.factories import MembershipFactory, OrganisationFactory, build_contract
from tests.concurrency import at_once
from tests.reporting.learning.setup import a_return, allocate

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance(
    contract, commissioner, organisation, other_organisation, lead, contributor, other_partner
):
    """Both partners hold an allocation; a few people who must not get the digest."""
    allocate(contract, commissioner, organisation, other_organisation)
    MembershipFactory(organisation=organisation, role="applicant")  # not a partner role
    unallocated = OrganisationFactory()
    MembershipFactory(organisation=unallocated, role="alliance_lead")
    return contract


def _compile(contract, period, capture):
    with capture(execute=True):
        return learning_compile(contract_id=contract.pk, period_id=period.pk)


def test_a_new_version_is_emailed_once_to_the_alliance_and_its_commissioners(
    alliance,
    period,
    organisation,
    lead,
    contributor,
    other_partner,
    commissioner,
    other_commissioner,
    stranger,
    django_capture_on_commit_callbacks,
):
    a_return(period, organisation, lead, [("Peer support", "<em>Buddies</em>", "", [])])
    with django_capture_on_commit_callbacks() as callbacks:
        learning_compile(contract_id=alliance.pk, period_id=period.pk)
    assert mail.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        [lead.email, contributor.email, other_partner.email, commissioner.email]
    )
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others
    message = mail.outbox[0]
    assert message.subject == f"Shared learning: {alliance.title}, {period.label}"
    assert "# Shared learning" in message.body and "\\<em\\>Buddies" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "&lt;em&gt;Buddies&lt;/em&gt;" in html
    assert LearningDigest.objects.get().emailed_at is not None


def test_a_rerun_or_a_duplicate_delivery_sends_nothing_again(
    alliance, period, organisation, lead, django_capture_on_commit_callbacks
):
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    with django_capture_on_commit_callbacks(execute=True):
        job = job_request(
            kind="shared_learning",
            key=learning_key(alliance.pk, period.pk),
            params={"contract": alliance.pk, "period": period.pk},
        )
    sent = len(mail.outbox)
    assert sent == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert job_run(job.pk) is None  # a duplicate delivery of a finished job
        outcome = learning_compile(contract_id=alliance.pk, period_id=period.pk)  # a rerun
    assert outcome["new_version"] is False
    assert len(mail.outbox) == sent
    assert LearningDigest.objects.count() == 1


def test_a_changed_digest_is_a_new_version_and_is_emailed_again(
    alliance, period, organisation, other_organisation, lead, django_capture_on_commit_callbacks
):
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    _compile(alliance, period, django_capture_on_commit_callbacks)
    a_return(period, other_organisation, lead, [("Reaching dads", "Gates", "", [])])
    outcome = _compile(alliance, period, django_capture_on_commit_callbacks)
    assert outcome["version"] == 2
    assert len(mail.outbox) == 8


def test_an_empty_digest_is_kept_but_not_emailed(
    alliance, period, django_capture_on_commit_callbacks
):
    outcome = _compile(alliance, period, django_capture_on_commit_callbacks)
    assert outcome["entries"] == 0
    assert mail.outbox == []
    assert LearningDigest.objects.get().emailed_at is None


def test_a_lost_email_is_sent_by_the_next_compile_and_only_then(
    alliance, period, organisation, lead, settings, django_capture_on_commit_callbacks
):
    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    settings.EMAIL_BACKEND = "tests.reporting.learning.test_learning_email.BrokenBackend"
    _compile(alliance, period, django_capture_on_commit_callbacks)  # the mail server is down
    assert LearningDigest.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = _compile(alliance, period, django_capture_on_commit_callbacks)
    assert outcome["new_version"] is False
    assert len(mail.outbox) == 4
    _compile(alliance, period, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_the_nightly_run_compiles_each_active_contracts_most_recent_ended_period(
    alliance,
    commissioner,
    council,
    organisation,
    lead,
    django_capture_on_commit_callbacks,
):
    Contract.objects.filter(pk=alliance.pk).update(status=ContractStatus.ACTIVE)
    setting_up = build_contract(commissioner=commissioner, council=council, partners=[organisation])
    q1, q2 = alliance.periods.order_by("starts_on")[:2]
    a_return(q1, organisation, lead, [("Peer support", "Buddies", "", [])])
    with django_capture_on_commit_callbacks(execute=True):
        jobs = learning_nightly(today=q2.ends_on)  # q2 has not ended yet
    assert [Job.objects.get(pk=pk).key for pk in jobs] == [learning_key(alliance.pk, q1.pk)]
    digest = LearningDigest.objects.get()
    assert digest.job_id == jobs[0]
    assert len(mail.outbox) == 4
    assert not LearningDigest.objects.filter(contract=setting_up).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_compiles_store_one_version_and_send_it_once(
    alliance, period, organisation, lead
):

    a_return(period, organisation, lead, [("Peer support", "Buddies", "", [])])
    assert at_once(lambda: learning_compile(contract_id=alliance.pk, period_id=period.pk)) == []
    assert LearningDigest.objects.count() == 1
    assert len(mail.outbox) == 4
