"""Load the worked-example demo data. Safe to run again: nothing is duplicated."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alliance import demo as alliance_demo
from alliance import demo_contracts
from alliance.demo import DEMO_PASSWORD
from grants import demo as grants_demo
from reporting.learning import demo as learning_demo
from reporting.utilisation import demo as utilisation_demo

# Each app's loader, in dependency order; each is idempotent.
LOADERS = [
    alliance_demo.load,
    demo_contracts.load,
    grants_demo.load,
    learning_demo.load,
    utilisation_demo.load,
]


class Command(BaseCommand):
    help = "Load the Wirral worked-example demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off (the demo logins share a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: its logins have a published "
                "password. Pass --allow-production if this really is a demo server."
            )
        logins: dict[str, str] = {}
        for load in LOADERS:
            logins.update(load())
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with:"))
        for role, email in logins.items():
            self.stdout.write(f"  {role:<14} {email:<38} password: {DEMO_PASSWORD}")
