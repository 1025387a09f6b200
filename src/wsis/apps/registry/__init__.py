"""The stocktaking registry (para 21): initiatives and pledges, reviewed by action-line facilitators,
re-verified every year, searchable in the six UN languages, and open as API, feed and dumps."""
