"""Talking to Supabase (PostgREST RPCs and Supabase Auth) over httpx."""
