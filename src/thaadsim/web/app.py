"""The web app: pages and a JSON API over the scenario runner (``thaadsim serve``).

API (its OpenAPI schema at ``/openapi.json``, browsable at ``/docs``)::

    GET    /api/scenarios             built-in and uploaded scenarios: [{"name", "summary", "source", ...}]
    GET    /api/scenarios/{name}      one of them: its YAML text and its fields as data
    POST   /api/scenarios             {"yaml": TEXT} -> 201 {"name"}: upload (validated first)
    POST   /api/runs                  {"scenario": NAME or YAML text, "seed": N} -> 202 {"id"}
    GET    /api/runs                  the runs this server holds
    GET    /api/runs/{id}             {"status": queued|running|done|failed, "summary", "error", "progress"}
    DELETE /api/runs/{id}             cancel a queued or running run
    GET    /api/runs/{id}/czml        the run's CZML (scenario.czml)
    GET    /api/runs/{id}/events      the run's events.csv as records
    GET    /api/runs/{id}/report      the run's report.html
    POST   /api/studies               {"scenario": NAME or YAML text, "runs": N, "seed": K} -> 202 {"id"}
    GET    /api/studies               the Monte Carlo studies this server holds
    GET    /api/studies/{id}          {"status", "summary" (the study's summary.json), "error", "progress"}
    DELETE /api/studies/{id}          cancel a queued or running study
    GET    /api/studies/{id}/convergence.png   the study's convergence plot

A bad scenario is answered 422 with FastAPI's error shape, each item naming the field
(``field``: ``threats[0].count``), the line of the YAML and the fix, the same one line the
CLI prints.  Limits (:class:`~thaadsim.web.jobs.Limits`): request size (413), threat
missiles per run (422), runs queued or running (429), run time (the run fails).  No file
path from a request is opened: scenarios are built-in names (checked against the list
first), uploads kept in memory, or text; run folders are named by ids this server makes.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from thaadsim.errors import ThaadsimError
from thaadsim.web.assets import cesium_dir
from thaadsim.web.jobs import STATUSES, Busy, Limits, RunManager, error_record

RUN_ID = r"^[0-9a-f]{16}$"
SCENARIO_NAME = r"^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,79}$"
SEED_MAX = 2**63 - 1

RunId = Annotated[str, PathParam(pattern=RUN_ID, description="A run's id (from POST /api/runs).")]
Name = Annotated[str, PathParam(pattern=SCENARIO_NAME, description="A scenario's name.")]

STATIC = resources.files("thaadsim.web").joinpath("static")


# --------------------------------------------------------------------------- models


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RunRequest(_Body):
    scenario: str = Field(min_length=1, description="A scenario's name (built-in or uploaded), or its YAML text.")
    seed: int | None = Field(None, ge=0, le=SEED_MAX, description="Seed of the random generator; default: the "
                             "scenario's.")


class StudyRequest(RunRequest):
    runs: int = Field(ge=1, description="Runs of the Monte Carlo study (at most the server's limit, 200 by "
                      "default).")


class UploadRequest(_Body):
    yaml: str = Field(min_length=1, description="The scenario file's YAML text; stored under its `name`.")


class RunCreated(BaseModel):
    id: str


class ScenarioCreated(BaseModel):
    name: str


class ErrorRecord(BaseModel):
    message: str
    field: str | None = None
    line: int | None = None
    hint: str | None = None


class RunStatus(BaseModel):
    id: str
    scenario: str
    seed: int | None
    status: str = Field(description="One of " + ", ".join(STATUSES) + " (a cancelled run is failed).")
    progress: str = Field(description="The run's latest progress line.")
    elapsed_s: float
    summary: dict[str, Any] | None = Field(description="summary.json of a done run.")
    error: ErrorRecord | None


class StudyStatus(RunStatus):
    runs: int | None
    summary: dict[str, Any] | None = Field(description="summary.json of a done study: the answers with their 95 % "
                                           "intervals.")


class ScenarioListItem(BaseModel):
    name: str
    summary: str
    source: str = Field(description="built-in or uploaded")
    threat_groups: int
    missiles: int
    radars: int
    batteries: int


class ScenarioDetail(ScenarioListItem):
    yaml: str
    data: dict[str, Any] = Field(description="The fields as given in the file (defaults left out).")
    choices: dict[str, Any] = Field(description="What the form's lists offer: doctrines, radar modes, kill models; "
                                    "and the most runs a study of this server may have (study_runs).")


def _choices() -> dict:
    from thaadsim.defense.doctrine import DEFAULT_DOCTRINE, DOCTRINES
    from thaadsim.scenario.schema import KILL_MODELS, RADAR_MODES, BatterySpec

    return {"doctrines": list(DOCTRINES), "default_doctrine": DEFAULT_DOCTRINE, "radar_modes": list(RADAR_MODES),
            "kill_models": list(KILL_MODELS), "default_kill_model": BatterySpec.model_fields["kill_model"].default}


# --------------------------------------------------------------------------- errors


class ScenarioRejected(Exception):
    """A scenario the schema or a limit refuses: HTTP 422 with the field."""

    def __init__(self, record: dict, where: str = "scenario"):
        self.record, self.where = record, where


def _rejection(error: ThaadsimError, where: str) -> ScenarioRejected:
    return ScenarioRejected(error_record(error), where)


def _unprocessable(exc: ScenarioRejected) -> JSONResponse:
    r = exc.record
    loc = ["body", exc.where] + ([r["field"]] if r.get("field") and r["field"] != exc.where else [])
    return JSONResponse(status_code=422, content={"detail": [{"loc": loc, "msg": r["message"], "type": "scenario",
                                                              **r}]})


class _BodyLimit:
    """Refuse a request body over ``limit`` bytes (413) before the app reads it."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = declared is not None and (not declared.isdigit() or int(declared) > self.limit)
        chunks, size, more = [], 0, True
        while more and not too_big:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            too_big = size > self.limit
        if too_big:
            response = JSONResponse(status_code=413, content={"detail": f"the request is larger than {self.limit:,} "
                                                              "bytes, the most this server reads"})
            return await response(scope, receive, send)
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


# --------------------------------------------------------------------------- scenarios


class Scenarios:
    """Built-in scenarios and those uploaded to this server (kept in memory, never on disk)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.uploaded: dict[str, str] = {}

    @staticmethod
    @functools.lru_cache(maxsize=1)
    def builtins() -> dict[str, str]:
        from thaadsim.scenario.loader import builtin_names, builtin_path

        return {name: builtin_path(name).read_text(encoding="utf-8") for name in builtin_names()}

    def parse(self, text: str, label: str, where: str = "scenario"):
        """The validated scenario, within this server's limits; ScenarioRejected if not."""
        from thaadsim.errors import InputError
        from thaadsim.scenario.loader import parse_scenario

        try:
            spec = parse_scenario(text, label)
            salvo = max([0, *(spec.sweep.counts if spec.sweep else [])])
            missiles = sum(t.count for t in spec.threats)
            if spec.sweep is not None:
                missiles += max(0, salvo - spec.threats[spec.sweep.threat].count)
            if missiles > self.limits.missiles:
                raise InputError(f"{missiles} threat missiles, more than the {self.limits.missiles} this server runs",
                                 field="threats", hint="fly fewer missiles, or run it with `thaadsim run`")
        except ThaadsimError as error:
            raise _rejection(error, where) from None
        return spec

    def resolve(self, scenario: str) -> tuple[str, str, str]:
        """(name, YAML text, label) of a request's ``scenario``: a name, or YAML text."""
        from thaadsim.errors import InputError

        if scenario in self.builtins():
            text, label = self.builtins()[scenario], f"{scenario}.yaml"
        elif scenario in self.uploaded:
            text, label = self.uploaded[scenario], f"<uploaded {scenario}>"
        elif "\n" in scenario or ":" in scenario:
            text, label = scenario, "<request>"
        else:
            import difflib

            names = sorted({*self.builtins(), *self.uploaded})
            close = difflib.get_close_matches(scenario, names, n=3, cutoff=0.5)
            hint = ("did you mean " + " or ".join(f"'{c}'" for c in close) + "?") if close else \
                "give a scenario's name (GET /api/scenarios) or its YAML text"
            raise _rejection(InputError(f"no scenario named '{scenario[:80]}'", field=None, hint=hint), "scenario")
        spec = self.parse(text, label)
        return spec.name, text, label

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def describe(name: str, text: str, source: str) -> dict:
        from thaadsim.scenario.loader import parse_scenario, summary_line

        spec = parse_scenario(text, name)
        return {"name": name, "summary": summary_line(spec.description), "source": source,
                "threat_groups": len(spec.threats), "missiles": sum(t.count for t in spec.threats),
                "radars": len(spec.radars), "batteries": len(spec.batteries)}

    def all(self) -> list[dict]:
        out = [self.describe(n, t, "built-in") for n, t in self.builtins().items()]
        return out + [self.describe(n, t, "uploaded") for n, t in self.uploaded.items()]

    def detail(self, name: str) -> dict | None:
        from thaadsim.scenario.loader import parse_scenario

        source = "built-in" if name in self.builtins() else "uploaded" if name in self.uploaded else None
        if source is None:
            return None
        text = self.builtins()[name] if source == "built-in" else self.uploaded[name]
        spec = parse_scenario(text, name)
        data = spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return {**self.describe(name, text, source), "yaml": text, "data": data,
                "choices": {**_choices(), "study_runs": self.limits.study_runs}}

    def upload(self, text: str) -> str:
        from thaadsim.errors import InputError

        spec = self.parse(text, "<upload>", where="yaml")
        if spec.name in self.builtins():
            raise _rejection(InputError(f"'{spec.name}' is a built-in scenario's name", field="name",
                                        hint="give the uploaded scenario another name"), "yaml")
        if spec.name not in self.uploaded and len(self.uploaded) >= self.limits.uploads:
            raise _rejection(InputError(f"this server holds {len(self.uploaded)} uploaded scenarios, the most it "
                                        "keeps", field=None, hint="restart the server, or run it from its YAML "
                                        "text"), "yaml")
        self.uploaded[spec.name] = text
        return spec.name


# --------------------------------------------------------------------------- the app


def _page(name: str) -> HTMLResponse:
    return HTMLResponse(STATIC.joinpath(name).read_text(encoding="utf-8"))


def create_app(runs_root: Path | None = None, limits: Limits | None = None, work=None,
               study_work=None) -> FastAPI:
    """The app; runs and studies are written under ``runs_root`` (default: a fresh temporary
    folder).  ``work`` and ``study_work`` replace the work functions of a run and of a study
    (:func:`thaadsim.web.jobs.run_child`, :func:`~thaadsim.web.jobs.study_child`; tests use
    stand-ins)."""
    limits = limits or Limits()
    root = Path(runs_root) if runs_root is not None else Path(tempfile.mkdtemp(prefix="thaadsim-web-"))
    works = {k: v for k, v in (("work", work), ("study_work", study_work)) if v is not None}
    manager = RunManager(root, limits, **works)
    scenarios = Scenarios(limits)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        manager.close()
        if runs_root is None:  # the temporary folder this app made goes with it
            shutil.rmtree(root, ignore_errors=True)

    app = FastAPI(title="thaadsim", version=_version(), lifespan=lifespan,
                  description="Scenarios of a THAAD-type missile defence, run on one clock, on an offline globe.")
    app.state.manager, app.state.scenarios, app.state.limits = manager, scenarios, limits
    app.add_exception_handler(ScenarioRejected, lambda request, exc: _unprocessable(exc))
    unprocessable = {422: {"description": "A bad scenario: the field, its line and the fix."}}

    def job_or_404(run_id: str, kind: str = "run"):
        job = manager.get(run_id, kind)
        if job is None:
            raise HTTPException(404, f"no {kind} {run_id}")
        return job

    def done_file(run_id: str, name: str, kind: str = "run") -> Path:
        job = job_or_404(run_id, kind)
        if job.status != "done":
            raise HTTPException(409, f"{kind} {run_id} is {job.status}, not done")
        return manager.folder(job.id) / name

    def submit(scenario: str, seed: int | None, runs: int | None = None):
        name, text, label = scenarios.resolve(scenario)
        try:
            job = manager.submit(name, text, label, seed, runs)
        except Busy as busy:
            raise HTTPException(429, str(busy)) from None
        return {"id": job.id}

    @app.get("/api/scenarios", response_model=list[ScenarioListItem])
    def list_scenarios():
        return scenarios.all()

    @app.get("/api/scenarios/{name}", response_model=ScenarioDetail, responses={404: {}})
    def get_scenario(name: Name):
        detail = scenarios.detail(name)
        if detail is None:
            raise HTTPException(404, f"no scenario named {name}")
        return detail

    @app.post("/api/scenarios", status_code=201, response_model=ScenarioCreated,
              responses={**unprocessable, 413: {}})
    def upload_scenario(body: UploadRequest):
        return {"name": scenarios.upload(body.yaml)}

    @app.post("/api/runs", status_code=202, response_model=RunCreated,
              responses={**unprocessable, 413: {}, 429: {"description": "Too many runs queued."}})
    def create_run(body: RunRequest):
        return submit(body.scenario, body.seed)

    @app.get("/api/runs", response_model=list[RunStatus])
    def list_runs():
        return [{**j.public(), "summary": None} for j in manager.list("run")]

    @app.get("/api/runs/{run_id}", response_model=RunStatus, responses={404: {}})
    def get_run(run_id: RunId):
        return job_or_404(run_id).public()

    @app.delete("/api/runs/{run_id}", status_code=202, response_model=RunStatus, responses={404: {}})
    def cancel_run(run_id: RunId):
        job_or_404(run_id)
        return manager.cancel(run_id).public()

    @app.get("/api/runs/{run_id}/czml", responses={404: {}, 409: {}})
    def run_czml(run_id: RunId):
        return Response(done_file(run_id, "scenario.czml").read_bytes(), media_type="application/json")

    @app.get("/api/runs/{run_id}/events", responses={404: {}, 409: {}})
    def run_events(run_id: RunId) -> list[dict[str, str]]:
        text = done_file(run_id, "events.csv").read_text(encoding="utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    @app.get("/api/runs/{run_id}/report", response_class=HTMLResponse, responses={404: {}, 409: {}})
    def run_report(run_id: RunId):
        return HTMLResponse(done_file(run_id, "report.html").read_text(encoding="utf-8"))

    @app.post("/api/studies", status_code=202, response_model=RunCreated,
              responses={**unprocessable, 413: {}, 429: {"description": "Too many runs queued."}})
    def create_study(body: StudyRequest):
        if body.runs > limits.study_runs:
            raise ScenarioRejected({"message": f"{body.runs:,} runs, more than the {limits.study_runs:,} one study "
                                    "of this server may have", "field": "runs", "line": None,
                                    "hint": f"give at most {limits.study_runs:,} runs, or run `thaadsim montecarlo`"},
                                   "runs")
        return submit(body.scenario, body.seed, body.runs)

    @app.get("/api/studies", response_model=list[StudyStatus])
    def list_studies():
        return [{**j.public(), "summary": None} for j in manager.list("study")]

    @app.get("/api/studies/{study_id}", response_model=StudyStatus, responses={404: {}})
    def get_study(study_id: RunId):
        return job_or_404(study_id, "study").public()

    @app.delete("/api/studies/{study_id}", status_code=202, response_model=StudyStatus, responses={404: {}})
    def cancel_study(study_id: RunId):
        job_or_404(study_id, "study")
        return manager.cancel(study_id, "study").public()

    @app.get("/api/studies/{study_id}/convergence.png", response_class=Response, responses={404: {}, 409: {}})
    def study_convergence(study_id: RunId):
        return Response(done_file(study_id, "convergence.png", "study").read_bytes(), media_type="image/png")

    # pages: static HTML that reads the API
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index_page():
        return _page("index.html")

    @app.get("/scenarios/{name}", response_class=HTMLResponse, include_in_schema=False)
    def scenario_page(name: Name):
        return _page("scenario.html")

    @app.get("/scenarios/{name}/study", response_class=HTMLResponse, include_in_schema=False)
    def study_page(name: Name):
        return _page("study.html")

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page():
        return _page("compare.html")

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.mount("/cesium", StaticFiles(directory=str(cesium_dir()), check_dir=False), name="cesium")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return FileResponse(str(STATIC.joinpath("favicon.svg")), media_type="image/svg+xml")

    app.add_middleware(_BodyLimit, limit=limits.request_bytes)
    return app


def _version() -> str:
    from thaadsim._version import __version__

    return __version__


__all__ = ["ScenarioRejected", "Scenarios", "create_app"]
