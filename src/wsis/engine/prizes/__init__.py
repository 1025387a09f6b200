"""WSIS Prizes, the parts anyone can re-run without the site: the hash-chained ballot log and its tally
(:mod:`.ballot_log`), the anomaly rules that flag suspicious voting (:mod:`.anomalies`), the proof-of-work
challenge (:mod:`.challenge`) and the word count of submission summaries (:mod:`.words`).

The method these implement is published in ``docs/prizes-voting-method.md``."""

METHOD_DOCUMENT = "docs/prizes-voting-method.md"
METHOD_VERSION = "2026.1"
