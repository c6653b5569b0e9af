"""Showing the app: :class:`Explorer` displays inline in Jupyter and serves
to browsers (``sklearn-demo serve``); :func:`explore` makes one."""
from __future__ import annotations

import os
import signal
import socket
import secrets
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

from .app import AppSession, panel_extension
from .explorer import LoadedSequences, SequenceExplorer

class Explorer:
    """The interactive dashboard over some models: displays inline in Jupyter
    (it is a Panel viewable) and serves to browsers.

    Made by :func:`explore` or :func:`~sklearn_demo.dashboard.explorer.open_report`
    and ``Explorer(engine)``; each display or browser tab is a fresh session
    over the same cached models.

    Parameters
    ----------
    engine : SequenceExplorer
    title : str, default="sklearn-demo explorer"
    """

    def __init__(self, engine: SequenceExplorer, title: str = "sklearn-demo explorer"):
        self.engine = engine
        self.title = title

    def session(self) -> AppSession:
        """A new session (widgets and history) over the shared explorer."""
        return AppSession(self.engine, self.title)

    def __panel__(self):
        return self.session().layout

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.__panel__()._repr_mimebundle_(include, exclude)

    def servable(self):
        """Mark a session servable, for ``panel serve script.py``."""
        return self.__panel__().servable(title=self.title)

    def serve(self, host: str = "127.0.0.1", port: int = 0, *,
              announce: Callable[[str], None] = print, password: str | None = None) -> None:
        """Serve the app until Ctrl-C or SIGTERM.

        ``announce`` receives one line, ``Serving on http://HOST:PORT/``,
        once the page answers. ``port=0`` picks a free port. ``password``
        asks every visitor for it first (Panel's basic authentication); a
        host other than the loopback without one warns that anyone on the
        network can use the app. Long computations run on worker threads
        (:data:`~sklearn_demo.dashboard.app.WORKERS` at once), so one tab
        computing a mutation map of 2,000 bases leaves the other tabs
        answering.
        """
        pn = panel_extension()
        # leave a core to the event loop and the other tabs while one tab
        # computes a long map (torch takes every core by default)
        torch.set_num_threads(max(1, torch.get_num_threads() - 1))
        if network_warning(host) and password is None:
            warnings.warn(network_warning(host), stacklevel=2)
        auth = ({} if password is None else
                {"basic_auth": password, "cookie_secret": secrets.token_urlsafe(32)})
        if port == 0:
            port = _free_port(host)
        origins = (["*"] if host in ("0.0.0.0", "::") else
                   [f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"])
        server = pn.serve({"/": lambda: self.__panel__()}, port=port, address=host,
                          websocket_origin=origins, show=False, start=False, verbose=False,
                          title=self.title, websocket_max_message_size=50_000_000, **auth)
        loop = server.io_loop

        def stop(signum, frame) -> None:
            loop.add_callback_from_signal(loop.stop)

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        url = f"http://{host}:{port}/"

        async def announce_when_answering() -> None:
            from tornado.httpclient import AsyncHTTPClient

            local = "127.0.0.1" if host in ("0.0.0.0", "localhost") else host
            response = await AsyncHTTPClient().fetch(f"http://{local}:{port}/",
                                                     raise_error=False, follow_redirects=False)
            if response.code == 200 or (password is not None and response.code == 302):
                announce(f"Serving on {url}")
            else:
                announce(f"The app's page answered {response.code}; see the log above.")

        try:
            server.start()
            loop.add_callback(announce_when_answering)
            loop.start()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            server.stop()


def network_warning(host: str) -> str | None:
    """The warning that serving on ``host`` deserves: None on the loopback.

    Examples
    --------
    >>> network_warning("127.0.0.1") is None
    True
    """
    if host in ("127.0.0.1", "localhost", "::1"):
        return None
    return (f"serving on {host}: anyone who can reach this machine on the network can use "
            "the app and the models it holds")


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def explore(
    models: Mapping[str, object] | Sequence[object],
    X: Sequence[str] | None = None,
    *,
    y: Sequence[object] | None = None,
    names: Sequence[str] | None = None,
    device: str = "cpu",
) -> Explorer:
    """The interactive dashboard over fitted models, for Jupyter or a script.

    Read more in the :doc:`User Guide </guide/dashboard>`.

    Parameters
    ----------
    models : mapping of name -> fitted model, or sequence of fitted models or model files
        DeMo networks (``CNNClassifier``, ``RNNClassifier``,
        ``CNNRNNClassifier``), fitted, or files written by
        :func:`~sklearn_demo.save_model` (named by file stem; fitted models by
        class name).
    X : sequence of str, optional
        Sequences to list in the app's table and to compare the models on.
    y : sequence, optional
        Their labels (ROC curves, false positives and negatives).
    names : sequence of str, optional
        Names of the sequences (default ``#1``, ``#2``, ...).
    device : str, default="cpu"
        Where model files are loaded.

    Returns
    -------
    Explorer
        Displays the app inline in a notebook; ``.serve()`` serves it.

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> from sklearn_demo.dashboard import explore
    >>> data = make_motif_dataset(60, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> app = explore({"cnn": clf}, data.X[:20], y=data.y[:20])
    >>> app.engine.table().shape[0]
    20
    """
    from ..persistence import load_model

    if isinstance(models, Mapping):
        named = dict(models)
    else:
        named = {}
        for model in models:
            if isinstance(model, (str, os.PathLike)):
                named[Path(model).stem] = load_model(model, device=device)
            else:
                named[type(model).__name__] = model
        if len(named) != len(models):
            raise ValueError("two models share a name; pass a mapping of name -> model.")
    data = None
    if X is not None:
        X = np.asarray(X, dtype=str)
        if y is not None and len(y) != len(X):
            raise ValueError(f"y has {len(y)} labels for {len(X)} sequences.")
        if names is not None and len(names) != len(X):
            raise ValueError(f"names has {len(names)} entries for {len(X)} sequences.")
        data = LoadedSequences(
            np.asarray(names if names is not None else [f"#{i + 1}" for i in range(len(X))],
                       dtype=str), X, None if y is None else np.asarray(y))
    return Explorer(SequenceExplorer(named, data))
