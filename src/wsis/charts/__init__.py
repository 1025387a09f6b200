"""Charts and maps as data: Vega-Lite specifications and their server-side SVG rendering.

Pure Python (no Django), so the public pages and, later, the PDF reports build the same charts from
the same specs. Every visible word comes from the caller (already translated); this package only knows
the locale for number formats and the writing direction.
"""
