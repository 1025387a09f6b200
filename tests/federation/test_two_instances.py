"""Two real instances on loopback, each its own gunicorn and its own database: a national statistics office
publishes its household-survey estimates (`wsis survey publish`, Pakistan's PSLM 2014-15 microdata), and
the international instance, holding ITU's real figures, registers it as a source, pulls it (provenance,
the national figure beside ITU's, the discrepancy), pulls its second release incrementally
(``updatedAfter``), copies its country case study with its provenance, and while it is down retries,
reports and stores nothing.

Issue 17's "done when" for federation; everything goes through the commands and HTTP, as in production."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.federation.test_survey_release import PUBLISHER, SPEC
from tests.operations.deployment import ROOT, WSIS, environment, fresh_database, ok, server, wsis

CASE_STUDY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: What the test reads from an instance's database, through its own Django (a process of that instance).
FACTS = """
import json, django
django.setup()
from wsis.apps.federation.models import Pull, Source
from wsis.apps.warehouse.models import Observation, Release, ImportedFile
def obs(r):
    fields = ("indicator", "area", "period", "urbanisation", "value", "se", "ci_low", "ci_high", "nature")
    return sorted(list(o) for o in Observation.objects.filter(release=r).values_list(*fields))
print(json.dumps({
    "counts": [Release.objects.count(), Observation.objects.count(), ImportedFile.objects.count()],
    "releases": [{"id": r.id, "publisher": r.publisher, "name": r.name, "origin": r.origin,
                  "checksum": r.checksum, "files": list(r.files.values_list("name", "checksum")),
                  "observations": obs(r)} for r in Release.objects.order_by("id")],
    "pulls": [{"status": p.status, "urls": p.urls, "attempts": p.attempts, "error": p.error,
               "updated_after": p.updated_after and p.updated_after.isoformat(),
               "started_at": p.started_at.isoformat(), "checksum": p.checksum,
               "release": p.release_id} for p in Pull.objects.order_by("id")],
    "sources": [[s.name, s.state, s.last_error] for s in Source.objects.all()],
}, default=str))
"""


def facts(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [WSIS[0], "-c", FACTS], env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@contextmanager
def clone(national: dict[str, str], folder: Path) -> Iterator[dict[str, str]]:
    """A second instance starting from the first's set-up state: ``wsis setup`` (the reference knowledge)
    is the slow part, and both would hold the same after it. Its own data folder (own secret key) and
    database: a copy of the SQLite file, or on PostgreSQL a database made from the first as a template."""
    shutil.copytree(
        national["WSIS_DATA_DIR"],
        folder,
        ignore=shutil.ignore_patterns("secret_key", "gunicorn.log", "cache"),
    )
    url = national.get("WSIS_DATABASE_URL")
    if not url:
        yield environment(folder, None)
        return
    import psycopg

    template = urllib.parse.urlsplit(url).path.lstrip("/")
    name = f"{template}_copy"
    with psycopg.connect(url.replace(f"/{template}", "/postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield environment(folder, url.replace(f"/{template}", f"/{name}"))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ok_setup(env: dict[str, str]) -> dict[str, str]:
    ok(env, "setup", "--no-demo")
    return env


def staff_page(base: str, env: dict[str, str]) -> str:
    """The federation staff page, signed in as a staff member created in that instance."""
    ok(
        {**env, "DJANGO_SUPERUSER_PASSWORD": "a long staff password 17"},
        "manage",
        "createsuperuser",
        "--noinput",
        "--username",
        "staff",
        "--email",
        "staff@example.org",
    )
    session = requests.Session()
    session.get(f"{base}/en/accounts/login/", timeout=30)
    signed_in = session.post(
        f"{base}/en/accounts/login/",
        data={
            "username": "staff",
            "password": "a long staff password 17",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/en/accounts/login/"},
        timeout=30,
    )
    assert signed_in.status_code == 200, signed_in.text[:500]
    page = session.get(f"{base}/en/federation/", timeout=30)
    assert page.status_code == 200, page.status_code
    return page.text


def test_a_national_instance_feeds_the_international_one(tmp_path: Path, shared: Path) -> None:
    pslm = shared / "surveys/pslm2015_ict.parquet"
    itu = shared / "itu-datahub/individuals_using_internet.csv"
    totals = tmp_path / "totals.yaml"
    totals.write_text(SPEC.replace("[[], [Region]]", "[[]]"), encoding="utf-8")
    by_area = tmp_path / "by_area.yaml"
    by_area.write_text(SPEC.replace("[[], [Region]]", "[[Region]]"), encoding="utf-8")
    publish = ["survey", "publish", "--economy", "PAK", "--period", "2015", "--publisher", PUBLISHER]

    with (
        fresh_database("national") as national_db,
        clone(ok_setup(environment(tmp_path / "national", national_db)), tmp_path / "international") as copy,
    ):
        national = environment(tmp_path / "national", national_db)
        international = {
            **copy,
            "WSIS_FEDERATION_RETRIES": "2",
            "WSIS_FEDERATION_BACKOFF_SECONDS": "0.2",
            "WSIS_FEDERATION_TIMEOUT_SECONDS": "20",
        }
        out = ok(
            national, *publish, "--spec", str(totals), "--release", "PSLM 2014-15", "--no-refresh", str(pslm)
        )
        assert "1 observations written" in out, out
        # A country case study (para 100a) the national office publishes beside its figures.
        study = tmp_path / "pslm-ict-note.pdf"
        study.write_bytes(CASE_STUDY_PDF)
        out = ok(
            national,
            "case-studies",
            "add",
            "--economy",
            "PAK",
            "--title",
            "ICT use in the PSLM 2014-15",
            "--publisher",
            PUBLISHER,
            "--date",
            "2016-03-01",
            "--language",
            "en",
            "--indicator",
            "i99H",
            "--action-line",
            "C2",
            "--file",
            str(study),
        )
        assert "case study 1 published" in out, out
        ok(international, "import", str(itu), "--no-refresh")

        with server(international, workers=1, threads=4) as international_url:
            with server(national, workers=1, threads=4) as national_url:
                sdmx_url = f"{national_url}/sdmx/rest"
                ok(
                    international,
                    "sources",
                    "add",
                    "pbs",
                    sdmx_url,
                    "--publisher",
                    PUBLISHER,
                    "--flow",
                    "ICT",
                    "--economy",
                    "PAK",
                    "--case-studies",
                    f"{national_url}/api/v1/case-studies",
                )
                out = ok(international, "sources", "pull", "pbs")
                assert "(1 observations)" in out and "1 country case study(ies) added or changed" in out, out

                # Provenance: the release names the query it came from, its files' checksums and the time.
                seen = facts(international)
                (first,) = seen["pulls"]
                assert first["status"] == "ok" and first["updated_after"] is None
                feed = f"{national_url}/api/v1/case-studies?economy=PAK"
                assert first["urls"] == [f"{sdmx_url}/data/ICT", feed]
                pulled = next(r for r in seen["releases"] if r["id"] == first["release"])
                assert pulled["publisher"] == PUBLISHER and pulled["origin"] == first["urls"][0]
                # The case study is shown on the profile with where it was copied from, its document intact.
                shown = requests.get(f"{international_url}/en/economies/PAK/", timeout=60).text
                shown = shown[shown.index('id="case-studies"') :]
                shown = shown[: shown.index("</section>")]
                assert "ICT use in the PSLM 2014-15" in shown and f"Copied from {PUBLISHER}" in shown, shown
                assert feed in shown
                document = re.search(r'href="(/case-studies/\d+/document)"', shown).group(1)
                copy = requests.get(f"{international_url}{document}", timeout=60)
                assert copy.status_code == 200 and copy.content == CASE_STUDY_PDF
                assert pulled["name"].startswith("pbs pull ") and first["started_at"][:19].replace(
                    "T", " "
                ) in pulled["name"].replace("T", " ")
                ((file_name, file_sum),) = pulled["files"]
                (kept,) = (tmp_path / "international" / "federation" / "pbs").glob(f"*/{file_name}")
                assert hashlib.sha256(kept.read_bytes()).hexdigest() == file_sum
                assert (
                    first["checksum"] == pulled["checksum"] == hashlib.sha256(file_sum.encode()).hexdigest()
                )

                # The national figures arrived as the national office published them, SE and CI included.
                (published,) = facts(national)["releases"]
                assert pulled["observations"] == published["observations"]
                ((indicator, area, period, _, value, se, low, high, nature),) = pulled["observations"]
                assert (indicator, area, period, nature) == ("i99H", "PAK", "2015", "reported")
                assert 13 < value < 15 and 0 < se < 1 and low < value < high

                # ITU's figure for the same key is kept beside it, both shown and their difference listed.
                gap = ok(international, "sources", "discrepancies", "--economy", "PAK", "--threshold", "5")
                line = next(x for x in gap.splitlines() if x.startswith("PAK i99H 2015 total"))
                assert f"national {value} (reported, {PUBLISHER}: pbs pull" in line, gap
                assert "vs ITU 11.0 (estimate, ITU" in line and "1 discrepancy(ies) above 5.0%" in gap
                profile = requests.get(f"{international_url}/en/economies/PAK/", timeout=60).text
                section = profile[profile.index('id="national-figures"') :]
                section = section[: section.index("</section>")]
                assert f"{value:.1f}" in section and "11" in section and PUBLISHER in section, section

                # A second national release: the next pull asks for what changed since, and gets only that.
                out = ok(
                    national,
                    *publish,
                    "--spec",
                    str(by_area),
                    "--release",
                    "PSLM 2014-15 by area",
                    "--no-refresh",
                    str(pslm),
                )
                assert "2 observations written" in out, out
                out = ok(international, "sources", "pull", "pbs")
                assert "(2 observations)" in out, out
                seen = facts(international)
                second = seen["pulls"][-1]
                assert second["updated_after"] == first["started_at"]
                url, unchanged_feed = second["urls"]
                assert url.startswith(f"{sdmx_url}/data/ICT?updatedAfter=") and unchanged_feed == feed
                incremental = next(r for r in seen["releases"] if r["id"] == second["release"])
                assert sorted(o[3] for o in incremental["observations"]) == ["R", "U"]
                assert incremental["observations"] == facts(national)["releases"][1]["observations"]

                # The national instance goes down: the pull is retried, reported, and nothing is half-stored.
                before = {k: seen[k] for k in ("counts", "releases")}
            # (the national instance is stopped: nothing answers on its port any more)
            down = wsis(international, "sources", "pull", "pbs")
            assert down.returncode == 1, down.stdout + down.stderr
            assert "source down after 3 attempt(s)" in down.stderr and "ConnectionError" in down.stderr
            assert "nothing was stored" in down.stderr
            after = facts(international)
            assert {k: after[k] for k in ("counts", "releases")} == before
            failed = after["pulls"][-1]
            assert failed["status"] == "failed" and failed["attempts"] == 3 and failed["release"] is None
            assert failed["updated_after"] == second["started_at"]
            assert after["sources"] == [["pbs", "down", failed["error"]]]
            page = staff_page(international_url, international)
            assert "Sources needing attention" in page and "ConnectionError" in page
