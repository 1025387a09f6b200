"""Who may do what with calls and reports (django-rules): the secretariat runs calls, compiles answers and
drafts reports; members of an invited organization answer for it. Builds on the accounts predicates."""

from __future__ import annotations

import rules

from wsis.apps.accounts.rules import is_admin, is_org_member, is_secretariat

rules.add_perm("reports.manage", is_secretariat | is_admin)
rules.add_perm("reports.answer_for", is_org_member)
