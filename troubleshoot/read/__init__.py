"""Read what users have (logs, metric files, run folders) into :class:`RunData`."""
