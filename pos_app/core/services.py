"""The counter's objects, wired once: the httpx client, the API client with its session store,
the connection monitor that learns from every call, and the journal. The app builds them from
the settings; tests build the same with a transport of their own and a session store in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from .api.client import MpsClient
from .api.retry import RetryPolicy
from .connectivity import ConnectivityMonitor
from .sale.journal import Journal
from .sale.service import SaleService, Till
from .session.signin import Operator
from .session.store import SessionStore
from .settings import Paths, Settings
from .shift.current import CurrentShift

JOURNAL_FILE = "journal.sqlite3"
# Short enough that a cashier does not wait on a dead line, long enough for a slow uplink; the
# retry policy adds its own tries on top.
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


@dataclass
class Services:
    settings: Settings
    paths: Paths
    store: SessionStore
    http: httpx.Client
    client: MpsClient
    monitor: ConnectivityMonitor
    journal: Journal
    # The terminal's open shift: one per counter, whoever is signed in.
    shift: CurrentShift = field(default_factory=CurrentShift)
    _sales: dict[str, SaleService] = field(default_factory=dict)

    def sale_for(self, operator: Operator) -> SaleService:
        """The sale path for `operator` at this terminal (one per operator: the journal rows
        name who rang each attempt up)."""
        sale = self._sales.get(operator.user_id)
        if sale is None:
            counter = Till(merchant_code=self.settings.merchant_code, terminal=self.settings.terminal_name,
                              operator=operator.email or operator.user_id)
            sale = self._sales[operator.user_id] = SaleService(self.client, self.journal, counter,
                                                                  shift=self.shift)
        return sale

    def close(self) -> None:
        self.journal.close()
        self.http.close()


def build(settings: Settings, paths: Paths, store: SessionStore, *,
          transport: httpx.BaseTransport | None = None, retry: RetryPolicy | None = None,
          online_interval: float = 30.0, offline_interval: float = 5.0) -> Services:
    """Everything the window needs for a configured counter."""
    http = httpx.Client(transport=transport, timeout=TIMEOUT)
    monitor_box: list[ConnectivityMonitor] = []
    # The client tells the monitor about every exchange; the monitor probes through the client.
    client = MpsClient(http, settings.supabase_url, settings.api_key, settings.merchant_code,
                       session_store=store, retry=retry, observer=lambda e: monitor_box[0].observe(e))
    monitor = ConnectivityMonitor(client.ping, online_interval=online_interval, offline_interval=offline_interval)
    monitor_box.append(monitor)
    journal = Journal(paths.journal_dir / JOURNAL_FILE)
    return Services(settings, paths, store, http, client, monitor, journal)
