"""rapidata_nb.widgets."""
