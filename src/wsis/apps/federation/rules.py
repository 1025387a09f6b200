"""Who may see and run the federation (django-rules): administrators and the secretariat, who follow the
data the international instance gathers from national sources."""

from __future__ import annotations

import rules

from wsis.apps.accounts.rules import is_admin, is_secretariat

rules.add_perm("federation.manage", is_secretariat | is_admin)
