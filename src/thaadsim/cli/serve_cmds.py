"""The web app: ``thaadsim serve`` and ``thaadsim web-assets`` (its Cesium build)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from thaadsim.cli.main import app


@app.command("web-assets", help="Install the web app's pinned CesiumJS build (`npm ci` in the project folder); "
             "`serve` does it on first use.")
def web_assets() -> None:
    from thaadsim.web.assets import cesium_ready, ensure_cesium

    was = cesium_ready()
    folder = ensure_cesium(lambda line: typer.echo(line, err=True))
    typer.echo(f"Cesium build {'already ' if was else ''}in {folder}")


@app.command(help="Serve the web app: scenarios on an offline 3D globe, runs with progress, and a JSON API "
             "(/api/, schema at /openapi.json).")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; the default is loopback only (give "
                                      "0.0.0.0 to let other machines in).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port (0: any free one).")] = 8000,
    runs_dir: Annotated[Path | None, typer.Option("--runs-dir", help="Folder the runs' folders are written into "
                                                  "(default: a new temporary folder).")] = None,
    concurrent_runs: Annotated[int, typer.Option("--concurrent-runs", help="Runs executing at once, one process "
                                                 "each.")] = 2,
    run_time_s: Annotated[float, typer.Option("--run-time-s", help="Longest a run may take before it is "
                                              "stopped [s].")] = 300.0,
    max_missiles: Annotated[int, typer.Option("--max-missiles", help="Most threat missiles one run may fly.")] = 128,
    max_study_runs: Annotated[int, typer.Option("--max-study-runs", help="Most runs one Monte Carlo study may "
                                                "have (a study is one job, under --run-time-s).")] = 200,
) -> None:
    import socket

    import uvicorn

    from thaadsim.errors import InputError
    from thaadsim.web.app import create_app
    from thaadsim.web.assets import ensure_cesium
    from thaadsim.web.jobs import Limits

    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise InputError(f"'{host[:80]}' is not an IP address", field="--host",
                             hint="give 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)") from None
    if runs_dir is not None and not runs_dir.is_dir():
        raise InputError(f"{runs_dir} is not a folder", field="--runs-dir", hint="create it first")
    ensure_cesium(lambda line: typer.echo(line, err=True))
    limits = Limits(concurrent_runs=concurrent_runs, run_s=run_time_s, missiles=max_missiles,
                    study_runs=max_study_runs)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # connections wait in the backlog from the moment the line below is printed
    except OSError as error:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port} ({error.strerror})", field="--port",
                         hint="give another port, or stop what listens there") from None
    bound = sock.getsockname()[1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    typer.echo(f"thaadsim web app: open http://{shown}:{bound}/  (Ctrl-C stops it)", err=False)
    config = uvicorn.Config(create_app(runs_dir, limits), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
