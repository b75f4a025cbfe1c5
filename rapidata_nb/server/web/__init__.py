"""rapidata_nb.server.web."""
