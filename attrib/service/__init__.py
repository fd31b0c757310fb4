"""``attrib serve``: an HTTP JSON API over the same pipeline and store as the CLI.

Install with ``pip install 'attrib[serve]'``. :func:`create_app` builds the FastAPI
application; nothing here does I/O at import or in the factory (the store connects on
first use, in a worker thread). See README.md for the endpoints.
"""

from __future__ import annotations

__all__ = ["create_app", "app_from_env"]


def __getattr__(name: str):
    if name in __all__:
        from attrib.service import app

        return getattr(app, name)
    raise AttributeError(name)
