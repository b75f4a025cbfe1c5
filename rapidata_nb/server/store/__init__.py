"""rapidata_nb.server.store."""
