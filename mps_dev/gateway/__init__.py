"""A local stand-in for Supabase's API: PostgREST's /rest/v1/rpc and GoTrue's /auth/v1.

It answers what this project calls exactly as Supabase does (see
`../shared/design/supabase-protocol.md` and docs/local-supabase.md), over a private PostgreSQL.
"""
