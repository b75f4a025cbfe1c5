"""rapidata_nb.client."""
