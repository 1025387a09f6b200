"""The reference knowledge: action lines, SDGs, the WSIS-SDG matrix, economies, groups, indicators, targets.

Versioned YAML files in ``data/``, each entry with its source, validated on load. No Django here: the
engine, the CLI and the site all read the same :func:`wsis.reference.loader.knowledge`.
"""
