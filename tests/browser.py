"""How browser tests start Debian's chromium: never a downloaded browser build, and no background network
traffic (this machine's network is closed; chromium's update and sync calls would only add noise)."""

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Django's own apps every browser test needs; a test adds its domain apps (`available_apps` empties
#: only these tables afterwards, so the reference knowledge loaded once per session stays).
BASE_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
