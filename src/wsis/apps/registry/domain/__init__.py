"""Business rules of the registry as keyword-only functions: the HTML views, the REST API and the bulk
importers all call these, so that a rule holds whatever the door."""


class RegistryError(Exception):
    """A rule of the registry refused the operation; the message says which and why."""
