"""rapidata_nb.server.routes."""
