"""Sent after a refresh made a new publication current (``sender``: the Publication), so that other apps
can follow it - the public site warms its page cache - without the refresh knowing them."""

from django.dispatch import Signal

publication_made = Signal()
