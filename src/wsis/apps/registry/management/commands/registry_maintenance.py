"""Daily upkeep: reminders for entries due for re-verification, inactivity after the configured silence."""

from django.core.management.base import BaseCommand

from wsis.apps.registry.domain.verification import run_maintenance


class Command(BaseCommand):
    help = "Send re-verification reminders and mark long-silent entries inactive (never deletes)."

    def handle(self, *args, **options):
        counts = run_maintenance()
        self.stdout.write(f"reminders sent: {counts['reminded']}, marked inactive: {counts['inactive']}")
