"""The offline Bot API and what runs on it: the session, the console, replay, the demo commune."""
