"""``troubleshoot site``: the knowledge base and the user guide as a static website."""
