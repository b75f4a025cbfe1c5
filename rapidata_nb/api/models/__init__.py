"""rapidata_nb.api.models."""
