// The official JavaScript client (@supabase/supabase-js), unchanged, against the local stand-in.
// Run by tests/gateway/test_supabase_js.py, which starts the stand-in, makes a user and passes
// SUPABASE_URL, SUPABASE_ANON_KEY, MPS_JS_EMAIL and MPS_JS_PASSWORD; one result line per test.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createClient } from '@supabase/supabase-js'
import ws from 'ws'

const URL_ = process.env.SUPABASE_URL
const ANON = process.env.SUPABASE_ANON_KEY
const EMAIL = process.env.MPS_JS_EMAIL
const PASSWORD = process.env.MPS_JS_PASSWORD
const ORIGIN = 'http://localhost:5173'

function client() {
  // No timers, no storage: each test decides when a session changes. Node 20 has no WebSocket
  // of its own, which supabase-js's realtime part needs to be built (it is never connected).
  return createClient(URL_, ANON, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws },
  })
}

async function signedIn() {
  const supabase = client()
  const { data, error } = await supabase.auth.signInWithPassword({ email: EMAIL, password: PASSWORD })
  assert.equal(error, null)
  return { supabase, session: data.session }
}

test('sign in with password gives a session and the user', async () => {
  const { session } = await signedIn()
  assert.ok(session.access_token.split('.').length === 3)
  assert.ok(session.refresh_token.length > 0)
  assert.equal(session.user.email, EMAIL)
  assert.equal(session.token_type, 'bearer')
})

test('wrong password is an AuthApiError with code invalid_credentials', async () => {
  const { data, error } = await client().auth.signInWithPassword({ email: EMAIL, password: 'not-the-password' })
  assert.equal(data.session, null)
  assert.equal(error.name, 'AuthApiError')
  assert.equal(error.status, 400)
  assert.equal(error.code, 'invalid_credentials')
})

test('getUser with the session reads the user', async () => {
  const { supabase } = await signedIn()
  const { data, error } = await supabase.auth.getUser()
  assert.equal(error, null)
  assert.equal(data.user.email, EMAIL)
})

test('rpc returns a scalar, an object and a set', async () => {
  const supabase = client()
  const scalar = await supabase.rpc('t_add', { a: 1, b: 2 })
  assert.equal(scalar.error, null)
  assert.equal(scalar.data, 3)
  const object = await supabase.rpc('t_out')
  assert.deepEqual(object.data, { amount: 7.1, label: 'seven' })
  const rows = await supabase.rpc('t_rows', { n: 2 })
  assert.deepEqual(rows.data, [{ i: 1, amount: 1.25 }, { i: 2, amount: 2.5 }])
})

test('rpc as the signed-in user carries the user token', async () => {
  const { supabase, session } = await signedIn()
  const { data, error } = await supabase.rpc('t_whoami')
  assert.equal(error, null)
  assert.equal(data.role_claim, 'authenticated')
  assert.equal(data.uid, session.user.id)
})

test('rpc with get: true runs read only', async () => {
  const { data, error } = await client().rpc('t_whoami', {}, { get: true })
  assert.equal(error, null)
  assert.equal(data.read_only, 'on')
})

test('a business error arrives with its code, message, details and hint', async () => {
  const { data, error } = await client().rpc('t_fail_business')
  assert.equal(data, null)
  assert.equal(error.code, 'MP002')
  assert.match(error.message, /^insufficient_balance/)
  assert.equal(error.details, 'card 42')
  assert.equal(error.hint, 'top up first')
})

test('an unknown function is PGRST202 and a shipped RPC refuses anon with 42501', async () => {
  const unknown = await client().rpc('no_such_function', { x: 1 })
  assert.equal(unknown.status, 404)
  assert.equal(unknown.error.code, 'PGRST202')
  const refused = await client().rpc('merchant_session_info', { p_merchant_code: 'SHOP001' })
  assert.equal(refused.status, 401)
  assert.equal(refused.error.code, '42501')
})

test('exact count is the filtered total, with a page of it', async () => {
  const { data, count, status, error } = await client()
    .rpc('t_items', { n: 5 }, { count: 'exact' }).gt('id', 1).order('id').limit(2)
  assert.equal(error, null)
  assert.equal(count, 4)
  assert.equal(status, 206)
  assert.deepEqual(data.map((r) => r.id), [2, 3])
})

test('head with a count gives the count and no rows', async () => {
  const { data, count, error } = await client().rpc('t_items', { n: 5 }, { head: true, count: 'exact' }).is('tag', null)
  assert.equal(error, null)
  assert.equal(count, 3)
  assert.equal(data, null)
})

test('filters, order, range and select on an rpc result', async () => {
  const supabase = client()
  const ids = async (q) => { const { data, error } = await q; assert.equal(error, null); return data.map((r) => r.id) }
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).eq('tag', 'even')), [2, 4])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).neq('id', 1).lt('id', 4)), [2, 3])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).in('id', [1, 5, 9])), [1, 5])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).gte('price', 6).lte('price', 7.5)), [4, 5])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).like('name', '%-3')), [3])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).ilike('name', 'ITEM-4')), [4])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).not('tag', 'is', null)), [2, 4])
  assert.deepEqual(await ids(supabase.rpc('t_items', { n: 5 }).order('id', { ascending: false }).range(1, 2)), [4, 3])
  const { data } = await supabase.rpc('t_items', { n: 5 }).select('id,name').eq('id', 2)
  assert.deepEqual(data, [{ id: 2, name: 'Item-2' }])
  const single = await supabase.rpc('t_items', { n: 5 }).eq('id', 3).single()
  assert.equal(single.data.id, 3)
})

test('a filter on a column the result lacks is 42703', async () => {
  const { error, status } = await client().rpc('t_items', { n: 5 }).eq('nope', 1)
  assert.equal(status, 400)
  assert.equal(error.code, '42703')
})

test('refresh rotates the refresh token and keeps the user', async () => {
  const { supabase, session } = await signedIn()
  const { data, error } = await supabase.auth.refreshSession()
  assert.equal(error, null)
  assert.notEqual(data.session.refresh_token, session.refresh_token)
  assert.equal(data.session.user.id, session.user.id)
  const whoami = await supabase.rpc('t_whoami')
  assert.equal(whoami.data.uid, session.user.id)
})

test('sign out ends the session: its token no longer reads the user', async () => {
  const { supabase, session } = await signedIn()
  const { error } = await supabase.auth.signOut({ scope: 'local' })
  assert.equal(error, null)
  // auth-js turns GoTrue's 403 session_not_found into AuthSessionMissingError.
  const after = await client().auth.getUser(session.access_token)
  assert.equal(after.data.user, null)
  assert.equal(after.error.name, 'AuthSessionMissingError')
  const raw = await fetch(URL_ + '/auth/v1/user', {
    headers: { apikey: ANON, Authorization: `Bearer ${session.access_token}`, 'X-Supabase-Api-Version': '2024-01-01' },
  })
  assert.equal(raw.status, 403)
  assert.equal((await raw.json()).code, 'session_not_found')
  const refreshed = await client().auth.refreshSession({ refresh_token: session.refresh_token })
  assert.equal(refreshed.error.code, 'refresh_token_not_found')
})

test('CORS: a preflight from a page is answered for the headers supabase-js sends', async () => {
  for (const path of ['/rest/v1/rpc/t_items', '/auth/v1/token?grant_type=password']) {
    const r = await fetch(URL_ + path, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'apikey, authorization, content-type, x-client-info, x-supabase-api-version, prefer',
      },
    })
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('access-control-allow-origin'), '*')
    const allowed = r.headers.get('access-control-allow-headers').split(',').map((h) => h.trim())
    for (const h of ['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version', 'prefer']) {
      assert.ok(allowed.includes(h), h)
    }
  }
})

test('CORS: answers with an Origin expose what the clients read, errors too', async () => {
  const headers = { apikey: ANON, Origin: ORIGIN, 'Content-Type': 'application/json', Prefer: 'count=exact' }
  const ok = await fetch(URL_ + '/rest/v1/rpc/t_items', { method: 'POST', headers, body: '{"n": 3}' })
  assert.equal(ok.headers.get('access-control-allow-origin'), '*')
  assert.match(ok.headers.get('access-control-expose-headers'), /Content-Range/)
  assert.equal(ok.headers.get('content-range'), '0-2/3')
  const failed = await fetch(URL_ + '/rest/v1/rpc/no_such_fn', { method: 'POST', headers, body: '{}' })
  assert.equal(failed.status, 404)
  assert.equal(failed.headers.get('access-control-allow-origin'), '*')
  const auth = await fetch(URL_ + '/auth/v1/token?grant_type=password', {
    method: 'POST', headers: { ...headers, 'X-Supabase-Api-Version': '2024-01-01' }, body: '{"email":"x@y.z","password":"p"}',
  })
  assert.equal(auth.status, 400)
  assert.match(auth.headers.get('access-control-expose-headers'), /X-Supabase-Api-Version/)
})
