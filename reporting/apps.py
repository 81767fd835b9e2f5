from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting: compiled figures, digests and open data"

    def ready(self):
        # Every kind of background job, in one list (reporting/kinds.py).
        from reporting import kinds
        from reporting.exports.organisation_register import organisation_register_export

        kinds.register(organisation_register_export)

        # --- collective impact ---
        from alliance import events
        from reporting.impact import services as impact
        from reporting.impact.kind import collective_impact

        kinds.register(collective_impact)
        # Who reacts to what: a return accepted or reopened changes its period's figures.
        events.subscribe(events.ReturnAccepted, impact.on_return_changed)
        events.subscribe(events.ReturnReopened, impact.on_return_changed)

        # --- shared learning digest ---
        from reporting.learning import tasks as learning_tasks  # noqa: F401  (the nightly task)
        from reporting.learning.kind import shared_learning

        kinds.register(shared_learning)

        # --- fund utilisation ---
        from grants import events as grant_events
        from reporting.utilisation import services as utilisation
        from reporting.utilisation import tasks as utilisation_tasks  # noqa: F401  (beat's task)
        from reporting.utilisation.kind import fund_utilisation

        kinds.register(fund_utilisation)
        # An award changes awarded and remaining; a payment changes paid.
        events.subscribe(grant_events.GrantAwarded, utilisation.on_grant_awarded)
        events.subscribe(grant_events.GrantPaymentRecorded, utilisation.on_payment_recorded)
