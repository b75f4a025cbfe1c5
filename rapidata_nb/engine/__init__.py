"""rapidata_nb.engine."""
