"""The contracts and vocabularies every layer shares: fields, registry, units, settings, errors, paths."""
