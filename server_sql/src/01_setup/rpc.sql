-- Member Payment System: the RPCs (schema public, exposed by PostgREST).
--
-- Apply after mps_schema.sql. Safe to re-run, also while the shop is selling: every function is
-- created or replaced (never dropped), and its grants and its comment (one short line, shown by
-- PostgREST and Supabase's dashboard) stated right under it with app.deploy_rpc_grant and
-- app.deploy_comment, which change the catalog only when they differ. Domain by domain, as the
-- schema (server_sql/README.md); an RPC may use helpers of any domain, since the whole schema
-- is applied before this file. Keep to the re-apply
-- conventions at the top of mps_schema.sql ("Deploying while selling"): a changed signature is
-- an app.deploy_drop_function('<old signature>') right before the new create or replace; no bare
-- drop, grant, revoke, alter or comment here. Each RPC is thin: check the caller, check the input, then do
-- the work with the helpers in schema app. All are SECURITY DEFINER with search_path = '' and
-- name everything with its schema. Errors: contract §4 (app.fail).
--
-- Who may call (contract §2): service_role = platform and member-app backend; authenticated =
-- merchant operators, limited by their role in app.merchant_users. anon calls nothing.

-- Deploys are serialized (the same lock as mps_schema.sql), and a statement that would still wait
-- on a lock fails the deploy after 2 s instead of holding the tills behind it.
select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('mps.deploy', 0));
select pg_catalog.set_config('lock_timeout', '2s', true);
