#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine: the PostgreSQL server binaries,
# libzbar0 (QR decoding), a CJK font (Chinese labels and receipts), the X11 libraries Qt's
# window needs, then a Python virtual environment from pyproject.toml.
# Safe to re-run; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

have_pg_server() {
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && return 0
    done
    command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}
have_zbar() {
    ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0'
}

# The window and the receipts speak Simplified Chinese too: without a CJK font Qt draws boxes.
have_cjk_font() {
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]
}

have_lib() {
    ldconfig -p 2>/dev/null | grep -q "^[[:space:]]$1 "
}

# What PySide6's xcb platform plugin (plugins/platforms/libqxcb.so) and the Qt libraries it
# loads (libQt6XcbQpa, Gui, DBus, OpenGL, the xcb GL integrations) link against, from
# `objdump -p` of each, with the Debian package holding it. PySide6's wheel carries Qt and ICU
# but none of these; a minimal Debian install lacks libxcb-icccm4 and libxcb-keysyms1 at least,
# and Qt then aborts with "could not load the Qt platform plugin xcb" (exit 250). The Wayland
# plugin (tried first on a Wayland desktop) adds libwayland-cursor0.
QT_WINDOW_LIBS=(
    libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-cursor.so.0:libxcb-cursor0
    libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0
    libxcb-randr.so.0:libxcb-randr0 libxcb-render.so.0:libxcb-render0 libxcb-shm.so.0:libxcb-shm0
    libxcb-sync.so.1:libxcb-sync1 libxcb-util.so.1:libxcb-util1 libxcb-xfixes.so.0:libxcb-xfixes0
    libxcb-xkb.so.1:libxcb-xkb1 libxcb-glx.so.0:libxcb-glx0 libxcb.so.1:libxcb1 libX11-xcb.so.1:libx11-xcb1 libX11.so.6:libx11-6
    libxkbcommon-x11.so.0:libxkbcommon-x11-0 libxkbcommon.so.0:libxkbcommon0
    libEGL.so.1:libegl1 libGL.so.1:libgl1 libfontconfig.so.1:libfontconfig1 libfreetype.so.6:libfreetype6
    libdbus-1.so.3:libdbus-1-3 libglib-2.0.so.0:libglib2.0-0 libwayland-cursor.so.0:libwayland-cursor0
)

missing=()
have_pg_server || missing+=(postgresql)
have_zbar || missing+=(libzbar0)
have_cjk_font || missing+=(fonts-wqy-microhei)
for entry in "${QT_WINDOW_LIBS[@]}"; do
    have_lib "${entry%%:*}" || missing+=("${entry#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing Debian packages: ${missing[*]}; run as root or install them" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL refuses to run as root; the harness runs the server as this unprivileged user.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
# pip's chatter (index warnings, build-backend notices) goes to a log, shown only on failure.
log=.venv/setup.log
if ! { .venv/bin/python -m pip install -q --upgrade pip \
       && .venv/bin/python -m pip install -q -e '.[dev]'; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: pip install failed (log above, also in $log)" >&2
    exit 1
fi
# The languages: every pos_app/locale/<lang>/LC_MESSAGES/messages.po compiled to its .mo, which
# the app and the installer read (built here, never committed; docs/translations.md).
.venv/bin/python -m tools.i18n compile
# A later PySide6 may link something new: say so (the window would not open), with the files.
qxcb=$(ls .venv/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null | head -n 1)
if [ -n "$qxcb" ]; then
    unresolved=$(ldd "$qxcb" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
    if [ -n "$unresolved" ]; then
        echo "setup: warning: Qt's window plugin still lacks ${unresolved}(install their Debian packages)" >&2
    fi
fi
echo "setup: ready"
