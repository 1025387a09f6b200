"""Action line workspaces (issue 19, para 20): members, issues that need improvement, meetings with minutes,
decisions and follow-up actions, partnerships, the line's yearly report and a digest e-mail."""
