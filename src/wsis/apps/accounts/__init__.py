"""People and organizations: accounts with verified e-mail, organizations and their members, and the
staff roles (facilitators bound to action lines, moderators). Admins are Django superusers."""
