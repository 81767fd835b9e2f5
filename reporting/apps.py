from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting: compiled figures, digests and open data"

    def ready(self):
        # Every kind of background job, in one list (reporting/kinds.py).
        from reporting import kinds
        from reporting.exports.organisation_register import organisation_register_export

        kinds.register(organisation_register_export)
