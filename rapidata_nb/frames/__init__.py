"""rapidata_nb.frames."""
