"""rapidata_nb.api."""
