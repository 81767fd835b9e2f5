"""The Alliance personas, contract and framework (tests/alliance/conftest.py), reused for
the shared learning tests: `lead` and `contributor` of the lead partner `organisation`,
`other_partner`, `stranger` (outside the contract), `commissioner` and `other_commissioner`
(another council)."""

from tests.alliance.conftest import *  # noqa: F401,F403
