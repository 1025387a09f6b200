"""The fields of an entry that authors write, named once. Creating and editing (``entries``), the version
snapshots (``snapshots``), the CSV/JSON table (``interfaces.tabular``) and the API all read these lists,
so that a new field cannot be saved but missing from the history or the dumps."""

from __future__ import annotations

TEXTS = ["title", "summary", "description"]
# Scalars every entry has, all public.
PUBLIC_SCALARS = [
    "kind",
    "original_language",
    "scope",
    "activity_status",
    "start_date",
    "end_date",
    "budget_value",
    "budget_currency",
]
# Partner2Connect pledges only (empty on initiatives): focus area and its pillar, type and USD value.
PLEDGE_SCALARS = ["focus_area", "pillar", "pledge_type", "pledge_value_usd"]
# Private unless contact_public: left out of dumps and hidden from visitors.
CONTACT = ["contact_name", "contact_email", "contact_public"]
# The values among them that identify a person (``contact_public`` itself is no secret).
PRIVATE_CONTACT = ["contact_name", "contact_email"]
SCALARS = [*PUBLIC_SCALARS, *CONTACT, *PLEDGE_SCALARS]
# Lists of codes kept as many-to-many relations.
CODE_LISTS = ["action_lines", "countries", "groups"]
# JSON lists stored on the entry itself; ``beneficiaries`` are codes, the others structured.
ENTRY_LISTS = ["partners", "links", "beneficiaries", "pledge_targets"]
PLEDGE_LISTS = ["beneficiaries", "pledge_targets"]
