"""Write the registry dumps (CSV, JSON, IATI XML) and SHA256SUMS: `wsis manage registry_dump`."""

from django.core.management.base import BaseCommand

from wsis.apps.registry.domain.dumps import dump_dir, write_dumps


class Command(BaseCommand):
    help = "Write the full dumps of the published registry with their checksums."

    def handle(self, *args, **options):
        for name, digest in write_dumps().items():
            self.stdout.write(f"{digest}  {dump_dir() / name}")
