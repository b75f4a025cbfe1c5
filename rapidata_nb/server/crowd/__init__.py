"""rapidata_nb.server.crowd."""
