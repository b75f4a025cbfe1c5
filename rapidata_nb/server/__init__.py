"""rapidata_nb.server."""
