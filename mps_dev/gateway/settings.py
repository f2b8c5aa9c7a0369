"""Everything the gateway needs to know, in one typed place."""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg.conninfo import conninfo_to_dict, make_conninfo


@dataclass(frozen=True)
class GatewaySettings:
    # Any DSN of the target database; the gateway replaces the user per pool.
    database_dsn: str
    jwt_secret: str
    anon_key: str
    service_role_key: str
    # The URL clients use; GoTrue puts `<public_url>/auth/v1` in the `iss` claim.
    public_url: str = "http://127.0.0.1:54321"
    # PostgREST's defaults as Supabase configures them.
    exposed_schemas: tuple[str, ...] = ("public",)
    extra_search_path: tuple[str, ...] = ("public", "extensions")
    anon_role: str = "anon"
    jwt_skew_seconds: int = 30
    # GoTrue's defaults.
    access_token_seconds: int = 3600
    refresh_token_reuse_seconds: int = 10
    admin_roles: tuple[str, ...] = ("service_role", "supabase_admin")
    # Protection of the gateway itself.
    max_body_bytes: int = 1024 * 1024
    pool_max_size: int = 10
    pool_timeout_seconds: float = 10.0
    api_keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_keys", frozenset({self.anon_key, self.service_role_key}))

    def dsn_as(self, user: str) -> str:
        """The target database, connecting as `user` (PostgREST: authenticator; GoTrue: its admin)."""
        params = conninfo_to_dict(self.database_dsn)
        params["user"] = user
        params.pop("password", None)
        params.setdefault("application_name", f"mps-gateway-{user}")
        return make_conninfo(**params)
