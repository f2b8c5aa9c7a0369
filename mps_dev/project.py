"""A data directory's lasting identity: its JWT secret, API keys and ports.

Generated once, kept in `project.json` (mode 0600), so keys stay valid across `up`/`down` and
`reset`, as a Supabase project's keys do.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from .gateway import jwt
from .gateway.settings import GatewaySettings

DEFAULT_API_PORT = 54321
DEFAULT_DB_PORT = 54322
HOST = "127.0.0.1"


@dataclass
class Project:
    jwt_secret: str
    anon_key: str
    service_role_key: str
    api_port: int = DEFAULT_API_PORT
    db_port: int = DEFAULT_DB_PORT

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    def db_dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.db_port}/{dbname}"

    def gateway_settings(self) -> GatewaySettings:
        return GatewaySettings(database_dsn=self.db_dsn(), jwt_secret=self.jwt_secret, anon_key=self.anon_key,
                               service_role_key=self.service_role_key, public_url=self.url)


def config_path(data_dir: Path) -> Path:
    return data_dir / "project.json"


def load(data_dir: Path) -> Project | None:
    path = config_path(data_dir)
    if not path.exists():
        return None
    return Project(**json.loads(path.read_text()))


def save(data_dir: Path, project: Project) -> None:
    path = config_path(data_dir)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(asdict(project), f, indent=2)
    os.replace(tmp, path)


def load_or_create(data_dir: Path, api_port: int | None, db_port: int | None) -> Project:
    project = load(data_dir)
    if project is None:
        secret = jwt.new_secret()
        project = Project(secret, jwt.mint_api_key("anon", secret), jwt.mint_api_key("service_role", secret))
    if api_port is not None:
        project.api_port = api_port
    if db_port is not None:
        project.db_port = db_port
    save(data_dir, project)
    return project
