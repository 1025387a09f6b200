"""WSIS Observatory: follow-up of the World Summit on the Information Society."""

__version__ = "0.1.0"
