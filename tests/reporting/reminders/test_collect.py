"""Working out who is reminded of what takes the same handful of queries however many
partners, periods, reports and people there are."""

from datetime import timedelta

import pytest

from alliance.models import Role
from reporting.reminders.collect import reminders_due
from tests.alliance.factories import MembershipFactory
from tests.reporting.reminders.conftest import days_before, grant_report, start_return

pytestmark = pytest.mark.django_db


def _more(n, period, organisation, member, small_group):
    for i in range(n):
        MembershipFactory(organisation=organisation, role=Role.CONTRIBUTOR)
        MembershipFactory(organisation=small_group, role=Role.APPLICANT)
        grant_report(small_group, period.due_on - timedelta(days=i % 5))


@pytest.mark.parametrize("rows", [10, 100])
def test_the_same_number_of_queries_for_10_and_100_people(
    rows,
    django_assert_num_queries,
    period,
    organisation,
    member,
    other_member,
    commissioner,
    small_group,
):
    start_return(period, organisation, member)
    _more(rows, period, organisation, member, small_group)
    # 1 periods due (with their contracts), 2 allocations expected, 3 returns started,
    # 4 end-of-grant reports due, 5 the people of those organisations and councils
    with django_assert_num_queries(5):
        people = reminders_due(today=days_before(period, -1))
    # the contributors and applicants, member, other_member and the commissioner
    assert len(people) == 2 * rows + 3
    assert len(people[member.pk].items) == 1
    assert len(people[commissioner.pk].items) == 2  # both partners' returns are overdue
