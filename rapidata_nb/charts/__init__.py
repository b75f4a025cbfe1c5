"""rapidata_nb.charts."""
