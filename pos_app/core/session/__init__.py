"""Who is at the counter: signing in, and where the session survives a restart."""
