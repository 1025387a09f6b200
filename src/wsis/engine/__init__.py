"""The engine: readers, indicator maths and survey estimation. Knows nothing of the web (no Django)."""
