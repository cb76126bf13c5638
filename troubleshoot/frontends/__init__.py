"""The ways in: the command line and the interview (later: the site and the chat bot)."""
