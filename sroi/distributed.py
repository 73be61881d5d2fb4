"""Portfolios and Monte Carlo beyond one machine, on Dask.

Two functions give the same answers as their one-machine counterparts, with the work spread
over the partitions of a Dask DataFrame or the workers of a Dask cluster:

- :func:`evaluate_portfolio_dask` runs :func:`sroi.evaluate_portfolio` on each partition of
  a portfolio held as Dask DataFrames (or read by Dask from Parquet or CSV files), for
  portfolios larger than memory. The rows are first moved so that every project's outcome
  and input rows are in the same partition (a project is never split), and each partition
  is evaluated on its own: the per-project rows are those of :func:`sroi.evaluate_portfolio`
  exactly, and totals ``by`` bearer, Marmot objective or group are summed across partitions.
- :func:`simulate_dask` splits the draws of :func:`sroi.sensitivity.simulate` across the
  workers, a few blocks of draws (:data:`sroi.sensitivity.monte_carlo.BLOCK_DRAWS`) a task.
  Every block draws from its own random streams, derived from the seed and the block's
  number only, so the draws are bit for bit those of ``simulate`` with the same seed,
  however many workers and tasks.

Dask is an optional extra: ``pip install 'sroi[dask]'``.

References
----------
.. [1] Dask Development Team (2016). *Dask: Library for dynamic task scheduling*,
   https://dask.org
.. [2] NumPy. "Parallel random number generation" (``SeedSequence.spawn``),
   https://numpy.org/doc/stable/reference/random/parallel.html
"""

from __future__ import annotations

import contextlib
import glob
import uuid
import warnings
from collections.abc import Iterator, Mapping, Sequence
from os import PathLike, fspath
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.errors import Problem, SROIError, error_for
from sroi.portfolio import (
    _FIGURES,
    _check_columns,
    _combined_traits,
    _evaluate,
    _is_dask,
    _key_traits,
    _key_values,
    _keys_as,
    _raise,
    _Settings,
    _settings,
    _Table,
)
from sroi.proxies.deflators import DEFAULT_SERIES
from sroi.sensitivity._base import argument_error, problem
from sroi.sensitivity.monte_carlo import (
    MAX_DRAWS,
    Simulation,
    _check_count,
    _Draws,
    _finish,
    _prepare,
)
from sroi.vocabulary import DEFAULT_DISCOUNT_RATE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["client_for", "evaluate_portfolio_dask", "simulate_dask"]

INSTALL = "pip install 'sroi[dask]'"
"""How to install what this module needs."""

_ROWS_PER_PARTITION = 1_000_000
"""Rows per partition when a pandas DataFrame is given without ``npartitions``."""

_SOURCE, _ROW, _PART = "_sroi_source", "_sroi_row", "_sroi_partition"
"""Columns added while the rows are moved: each row's file (or frame), its position there,
and the partition it goes to."""


def _dask() -> Any:
    """The ``dask`` package, or an ImportError saying how to install it."""
    try:
        import dask
        import dask.dataframe  # the extra's dataframe part must be there too
    except ImportError as exc:
        raise ImportError(
            f"running sroi on Dask needs Dask: {INSTALL} ({exc})",
            name=getattr(exc, "name", None),
        ) from exc
    return dask


# ------------------------------------------------------------------ clients


@contextlib.contextmanager
def client_for(address: str) -> Iterator[Any]:
    """A Dask client for the command line's ``--dask ADDRESS|local``.

    Parameters
    ----------
    address : str
        ``"local"``: a cluster of threads in this process, started here and closed on
        leaving (numpy does the work outside Python's lock, so threads share the cores);
        otherwise the address of a running scheduler (``tcp://10.0.0.5:8786``).

    Yields
    ------
    distributed.Client
        The client, set as Dask's default scheduler while in use.

    Raises
    ------
    ConnectionError
        When no scheduler answers at ``address`` within 10 seconds.
    ImportError
        Without Dask (``pip install 'sroi[dask]'``).
    """
    _dask()
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(
            f"running sroi on a Dask cluster needs distributed: {INSTALL} ({exc})"
        ) from exc
    if address == "local":
        with (
            LocalCluster(processes=False, dashboard_address=":0") as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        try:
            client = Client(address, timeout="10s")
        except (OSError, ValueError, TypeError) as exc:
            raise ConnectionError(
                f"cannot reach the Dask scheduler at {address!r} (give its address, such as "
                f"tcp://10.0.0.5:8786, or 'local'): {exc}"
            ) from None
        with client:
            yield client


# ------------------------------------------------------------------ portfolios


def evaluate_portfolio_dask(
    outcomes: Any,
    inputs: Any,
    *,
    key: str = "project_id",
    discount_rate: Any = DEFAULT_DISCOUNT_RATE,
    conventions: Any = None,
    proxies: Any = None,
    price_year: int | str | None = None,
    deflator: Any = DEFAULT_SERIES,
    currency: str = "GBP",
    by: str | Sequence[str] | None = None,
    payback: bool = True,
    npartitions: int | None = None,
    compute: bool = False,
) -> Any:
    """Evaluate every project of a portfolio on Dask: :func:`sroi.evaluate_portfolio` per
    partition, each project whole within one partition.

    Parameters
    ----------
    outcomes, inputs : dask.dataframe.DataFrame, pandas.DataFrame, path, glob or list of paths
        The two tables of :func:`sroi.evaluate_portfolio`. Paths (``.parquet``/``.pq`` or
        ``.csv``; a glob such as ``"outcomes/*.parquet"``, or a list) are read by Dask, a
        file at a time, so that an error names the file and its row. Every file of a table
        must have the same columns.
    key, discount_rate, conventions, proxies, price_year, deflator, currency, by, payback
        As for :func:`sroi.evaluate_portfolio`.
    npartitions : int, optional
        How many partitions to spread the projects over; default the larger number of
        partitions of the two tables (for a pandas DataFrame, one per million rows).
    compute : bool, default False
        Return pandas frames (computed with Dask's current scheduler: the active
        ``distributed.Client`` if there is one), sorted by ``key`` as
        :func:`sroi.evaluate_portfolio` sorts them. Otherwise Dask DataFrames, computed
        when asked for (each partition sorted by ``key``; the partitions are not in order
        of ``key``).

    Returns
    -------
    dask.dataframe.DataFrame or pandas.DataFrame; a pair of them with ``by``
        One row per project, indexed by ``key``, with the columns of
        :func:`sroi.evaluate_portfolio`. With ``by``, a second frame of totals across the
        whole portfolio (``by``, ``label``, ``present_value`` [money], ``share`` [fraction],
        the shares worked out from the summed present values), largest first within each
        ``by``.

    Raises
    ------
    SROIError
        As :func:`sroi.evaluate_portfolio` does, every problem of every partition together,
        each row located in its table as there: ``outcomes[project_id=P12, row 3].deadweight``
        (its position in the whole table) or ``outcomes.csv, row 7, column deadweight``,
        each check's rows from every partition merged and listed exactly as
        :func:`sroi.evaluate_portfolio` lists them (the first 20 of the whole table, then
        how many more). With
        ``compute=False``, when the result is computed.
    ImportError
        Without Dask (``pip install 'sroi[dask]'``).

    Examples
    --------
    A portfolio in two partitions; the figures are those of ``sroi.evaluate_portfolio``:

    >>> import dask.dataframe as dd, pandas as pd
    >>> outcomes = pd.DataFrame({"project_id": ["A", "B"], "quantity": [100, 10],
    ...     "value": [1_000.0, 500.0], "duration": [3, 1], "deadweight": [0.25, 0.0],
    ...     "attribution": [0.1, 0.0], "drop_off": [0.1, 0.0]})
    >>> inputs = pd.DataFrame({"project_id": ["A", "B"], "amount": [150_000.0, 1_000.0]})
    >>> table = evaluate_portfolio_dask(dd.from_pandas(outcomes, npartitions=2),
    ...                                 dd.from_pandas(inputs, npartitions=2),
    ...                                 compute=True)
    >>> table["ratio"].round(4).to_dict()
    {'A': 1.1416, 'B': 4.8309}
    """
    dask = _dask()
    settings, problems = _settings(
        key, discount_rate, conventions, proxies, price_year, deflator, currency, by
    )
    if npartitions is not None:
        try:
            npartitions = _check_count("npartitions", npartitions, caller="evaluate_portfolio_dask")
        except SROIError as exc:
            problems += exc.problems
    sources: dict[str, list[tuple[Any, str | None]]] = {}
    for name, given in (("outcomes", outcomes), ("inputs", inputs)):
        found, said = _sources(name, given, key, npartitions)
        sources[name] = found
        problems += said
    if problems:
        raise error_for(problems, title="the portfolio")
    required = {"outcomes": (key, "quantity", "duration"), "inputs": (key, "amount")}
    for name, parts in sources.items():
        first = list(parts[0][0].columns)
        for frame, file in parts:
            columns = list(frame.columns)
            problems += _check_columns(_Table(name, frame._meta, file, key), required[name])
            if columns != first:
                problems.append(
                    Problem(
                        f"{file}, header" if file else f"{name}.columns",
                        f"has the columns {', '.join(map(str, columns))}; every file of "
                        f"{name} must have the same columns as the first "
                        f"({', '.join(map(str, first))})",
                    )
                )
    if problems:
        raise error_for(problems, title="the portfolio")

    # number the rows where they are (for errors), then move each project to its partition
    frames = {name: [frame for frame, _ in parts] for name, parts in sources.items()}
    every = [f for fs in frames.values() for f in fs]
    # the rows of each partition, and what its keys are like (to make them one type)
    meta = _summary(every[0]._meta, key)
    summaries = dask.compute(
        *(f.map_partitions(_summary, key, meta=meta, align_dataframes=False) for f in every)
    )
    lengths = [s["rows"].tolist() for s in summaries]
    traits = [
        tuple(t)
        for s in summaries
        for t in s[["numeric", "parses", "whole", "canonical"]].itertuples(index=False)
    ]
    n_out = sum(len(s) for s in summaries[: len(frames["outcomes"])])
    keys_as = _keys_as(_combined_traits(traits[:n_out]), _combined_traits(traits[n_out:]))
    n = npartitions or max(f.npartitions for f in every)
    moved = {}
    at = 0
    for name, fs in frames.items():
        numbered = []
        for source, frame in enumerate(fs):
            offsets = np.concatenate([[0], np.cumsum(lengths[at])])[:-1].tolist()
            at += 1
            meta = frame._meta.assign(
                **{_SOURCE: np.int64(0), _ROW: np.int64(0), _PART: np.int64(0)}
            )
            numbered.append(
                frame.map_partitions(
                    _number, offsets, source, key, n, keys_as, meta=meta, align_dataframes=False
                )
            )
        whole = numbered[0] if len(numbered) == 1 else dask.dataframe.concat(numbered)
        moved[name] = whole.set_index(_PART, divisions=[*range(n), n - 1])
    files = {name: [file for _, file in parts] for name, parts in sources.items()}
    # the settings (with any proxy table) are sent once, not once per partition
    shared = dask.delayed(settings, name=f"sroi-settings-{uuid.uuid4().hex}", traverse=False)
    parts = [
        dask.delayed(_partition, pure=True)(o, i, shared, payback, files, keys_as)
        for o, i in zip(moved["outcomes"].to_delayed(), moved["inputs"].to_delayed(), strict=True)
    ]
    meta_projects = _meta_projects(frames["outcomes"][0]._meta, key, keys_as)
    if compute:
        done = dask.compute(*parts)
        _check_all([d["problems"] for d in done], [d["rows"] for d in done])
        _warn([d["warnings"] for d in done])
        projects = _concat([d["frame"] for d in done], meta_projects).sort_index(kind="stable")
        if not settings.wanted:
            return projects
        return projects, _merged_totals([d["totals"] for d in done], settings.wanted)
    checked = dask.delayed(_checked, pure=True)(
        [p["problems"] for p in parts], [p["rows"] for p in parts], [p["warnings"] for p in parts]
    )
    projects = dask.dataframe.from_delayed(
        [dask.delayed(_after, pure=True)(p["frame"], checked) for p in parts],
        meta=meta_projects,
        verify_meta=False,
    )
    if not settings.wanted:
        return projects
    totals = dask.delayed(_merged_totals, pure=True)(
        [dask.delayed(_after, pure=True)(p["totals"], checked) for p in parts], settings.wanted
    )
    return projects, dask.dataframe.from_delayed([totals], meta=_meta_totals(), verify_meta=False)


def _summary(part: pd.DataFrame, key: str) -> pd.DataFrame:
    """A partition's number of rows and what its keys are like (:func:`_key_traits`)."""
    import pandas as pd

    numeric, parses, whole, canonical = _key_traits(part[key])
    return pd.DataFrame(
        {
            "rows": np.array([len(part)], dtype=np.int64),
            "numeric": pd.Series([numeric], dtype=object),
            "parses": [parses],
            "whole": [whole],
            "canonical": [canonical],
        }
    )


def _sources(
    name: str, given: Any, key: str, npartitions: int | None
) -> tuple[list[tuple[Any, str | None]], list[Problem]]:
    """The table as Dask DataFrames, one per file (with its name) or one for a frame."""
    import dask.dataframe as dd
    import pandas as pd

    allowed = (
        "a Dask or pandas DataFrame, or the path (or glob, or list of paths) of .csv or "
        ".parquet files"
    )
    if _is_dask(given):
        return [(given, None)], []
    if isinstance(given, pd.DataFrame):
        parts = npartitions or max(1, -(-len(given) // _ROWS_PER_PARTITION))
        return [(dd.from_pandas(given.reset_index(drop=True), npartitions=parts), None)], []
    if isinstance(given, (str, PathLike)):
        given = [given]
    if not (
        isinstance(given, Sequence) and given and all(isinstance(p, (str, PathLike)) for p in given)
    ):
        return [], [
            Problem(name, f"must be {allowed}, not {type(given).__name__}", allowed=allowed)
        ]
    paths: list[str] = []
    for item in given:
        text = fspath(item)
        found = sorted(glob.glob(text)) if glob.has_magic(text) else [text]
        if not found or not all(Path(p).is_file() for p in found):
            return [], [Problem(name, "no such file", text, kind="missing")]
        paths += found
    out = []
    for path in paths:
        suffix = Path(path).suffix.lower()
        try:
            if suffix == ".csv":
                frame = dd.read_csv(path, skipinitialspace=True, dtype={key: str})
            elif suffix in (".parquet", ".pq"):
                frame = dd.read_parquet(path)
            else:
                return [], [
                    Problem(
                        name,
                        "a portfolio table must be a DataFrame or .csv or .parquet files",
                        path,
                        allowed=allowed,
                    )
                ]
        except (ValueError, OSError, UnicodeError, pd.errors.ParserError, ImportError) as exc:
            return [], [Problem(Path(path).name, f"cannot be read: {exc}", path)]
        out.append((frame, Path(path).name))
    return out, []


def _number(
    part: pd.DataFrame,
    offsets: list[int],
    source: int,
    key: str,
    n: int,
    keys_as: tuple[str, bool],
    partition_info: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A partition with each row's source, its position in the source and its partition
    to be (a hash of its key made one type with :func:`sroi.portfolio._keys_as`: the same
    key goes to the same partition in both tables, whatever type each table holds it as)."""
    import pandas as pd

    number = 0 if partition_info is None else partition_info["number"]
    keys = part[key]
    blank = pd.isna(keys).to_numpy()
    values = _key_values(keys.where(~blank, 0 if keys_as[0] == "number" else ""), keys_as)
    hashed = pd.util.hash_array(values)
    return part.assign(
        **{
            _SOURCE: np.int64(source),
            _ROW: offsets[number] + np.arange(len(part), dtype=np.int64),
            _PART: (hashed % np.uint64(n)).astype(np.int64),
        }
    )


def _partition(
    outcomes: pd.DataFrame,
    inputs: pd.DataFrame,
    settings: _Settings,
    payback: bool,
    files: Mapping[str, Sequence[str | None]],
    keys_as: tuple[str, bool],
) -> dict[str, Any]:
    """One partition evaluated: its projects' figures, totals, problems and warnings."""
    tables = []
    for name, part in (("outcomes", outcomes), ("inputs", inputs)):
        part = part.reset_index(drop=True).sort_values([_SOURCE, _ROW], kind="stable")
        sources = part[_SOURCE].to_numpy()
        names = np.array([*files[name], None], dtype=object)[sources]
        rows = part[_ROW].to_numpy()
        frame = part.drop(columns=[_SOURCE, _ROW]).reset_index(drop=True)
        tables.append(
            _Table(name, frame, None, settings.key, rows=rows, files=names, sources=sources)
        )
    out: dict[str, Any] = {
        "frame": None,
        "totals": None,
        "problems": [],
        "warnings": [],
        "rows": len(outcomes),
    }
    # The warnings come back in a list, to be given once for the whole portfolio; not by
    # warnings.catch_warnings, which is not safe in threads, and a cluster of threads runs
    # partitions side by side (one partition's exit would undo another's, or the caller's).
    told: list[Warning] = []
    try:
        found = _evaluate(tables[0], tables[1], settings, payback, keys_as=keys_as, told=told)
    except SROIError as exc:
        out["problems"] = list(getattr(exc, "found", exc.problems))
    else:
        out["frame"], out["totals"] = found if settings.wanted else (found, None)
    out["warnings"] = told
    return out


def _check_all(problems: Sequence[list[Problem]], rows: Sequence[int]) -> None:
    """Every partition's problems in one error, as :func:`sroi.evaluate_portfolio` lists
    them for the whole table: each check's rows from every partition merged, in the order
    of their table, the first 20 listed and the rest counted; other problems each once.
    Or the error of no rows."""
    found: list[Problem] = []
    seen = set()
    for part in problems:
        for p in part:
            token = (
                p.location,
                p.message,
                repr(p.value),
                repr(getattr(p, "rows", ())),
                repr(getattr(p, "uses", ())),
            )
            if token not in seen:
                seen.add(token)
                found.append(p)
    if not found and not sum(rows):
        found.append(Problem("outcomes", "has no rows; a portfolio needs at least one outcome"))
    if found:
        raise _raise(found)


def _warn(said: Sequence[list[Warning]]) -> None:
    """The partitions' warnings, each once."""
    seen = set()
    for part in said:
        for w in part:
            token = (type(w), str(w))
            if token not in seen:
                seen.add(token)
                warnings.warn(w, stacklevel=3)


def _checked(
    problems: Sequence[list[Problem]], rows: Sequence[int], said: Sequence[list[Warning]]
) -> bool:
    _check_all(problems, rows)
    _warn(said)
    return True


def _after(value: Any, checked: bool) -> Any:
    """``value``, once every partition is known to be sound."""
    return value


def _meta_projects(
    outcomes_meta: pd.DataFrame, key: str, keys_as: tuple[str, bool]
) -> pd.DataFrame:
    import pandas as pd

    mode, whole = keys_as
    dtype = object if mode == "text" else (np.int64 if whole else float)
    return pd.DataFrame(
        {name: pd.Series(dtype=float) for name in _FIGURES},
        index=pd.Index(np.array([], dtype=dtype), name=key),
    )


def _meta_totals() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "by": pd.Series(dtype=object),
            "label": pd.Series(dtype=object),
            "present_value": pd.Series(dtype=float),
            "share": pd.Series(dtype=float),
        }
    )


def _concat(frames: Sequence[pd.DataFrame | None], meta: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    found = [f for f in frames if f is not None and len(f)]
    return pd.concat(found) if found else meta


def _merged_totals(parts: Sequence[pd.DataFrame | None], wanted: Sequence[str]) -> pd.DataFrame:
    """The partitions' totals summed by ``by`` and label, the shares of the summed present
    value, largest first within each ``by`` (in the order asked for)."""
    import pandas as pd

    found = [p for p in parts if p is not None and len(p)]
    if not found:
        return _meta_totals()
    every = pd.concat(found, ignore_index=True)
    frames = []
    for name in wanted:
        mine = every[every["by"] == name]
        sums = mine.groupby("label", sort=False)["present_value"].sum()
        part = pd.DataFrame({"by": name, "label": sums.index, "present_value": sums.to_numpy()})
        total = float(part["present_value"].sum())
        part["share"] = part["present_value"] / total if total != 0 else np.nan
        frames.append(part.sort_values("present_value", ascending=False, kind="stable"))
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------ Monte Carlo


def simulate_dask(
    model: Any,
    n: int = 10_000,
    *,
    seed: int | None = None,
    client: Any = None,
    blocks_per_task: int = 1,
    chunk_size: int | None = None,
    max_draws: int = MAX_DRAWS,
    **evaluate_kwargs: Any,
) -> Simulation:
    """:func:`sroi.sensitivity.simulate` with the draws split across Dask workers.

    The draws are made in blocks of :data:`~sroi.sensitivity.monte_carlo.BLOCK_DRAWS`;
    each task computes ``blocks_per_task`` of them. Each block draws every uncertain
    figure from its own stream, derived from the seed and the block's number only
    (``SeedSequence(seed).spawn(blocks)[block].spawn(figures)``), so the result is bit for
    bit that of ``simulate(model, n, seed=seed)``, whatever the workers, the tasks and the
    chunk size. Only the present value and investment of each draw come back (16 bytes a
    draw).

    Parameters
    ----------
    model, n, seed, chunk_size, max_draws, **evaluate_kwargs
        As for :func:`sroi.sensitivity.simulate` (``chunk_size``: draws computed at once
        within a task).
    client : distributed.Client, optional
        The cluster to run on; default Dask's current scheduler (the active client, if
        any, else threads in this process).
    blocks_per_task : int, default 1
        Blocks of draws in each task (65,536 draws a block): more makes fewer, longer tasks.

    Returns
    -------
    Simulation

    Warns
    -----
    SROIWarning
        When nothing in the model is uncertain, as :func:`sroi.sensitivity.simulate` does.

    Raises
    ------
    ModelError
        As :func:`sroi.sensitivity.simulate` does (located at ``blocks_per_task`` for that
        argument).
    ImportError
        Without Dask (``pip install 'sroi[dask]'``).

    Examples
    --------
    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 150_000}],
    ...      "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 100,
    ...                    "value": 1_000, "duration": 3, "attribution": 0.1, "drop_off": 0.1,
    ...                    "deadweight": {"distribution": "triangular", "low": 0.1,
    ...                                   "mode": 0.25, "high": 0.4}}]}
    >>> on_dask = simulate_dask(m, 20_000, seed=1)
    >>> local = sroi.sensitivity.simulate(m, 20_000, seed=1)
    >>> bool((on_dask.ratio == local.ratio).all())
    True
    """
    dask = _dask()
    blocks_per_task = _check_count("blocks_per_task", blocks_per_task, caller="simulate_dask")
    if client is not None and not hasattr(client, "submit"):
        raise argument_error(
            "simulate_dask",
            [
                problem(
                    "client",
                    f"must be a distributed.Client, not {type(client).__name__}",
                    None,
                    "a distributed.Client, or None",
                )
            ],
        )
    result, draws, seed, uncertain = _prepare(
        "simulate_dask", model, n, seed, chunk_size, max_draws, evaluate_kwargs
    )
    spans = [
        (first, min(first + blocks_per_task, draws.blocks))
        for first in range(0, draws.blocks, blocks_per_task)
    ]
    if client is not None:
        shipped = client.scatter(draws, broadcast=True, hash=False)
        futures = [client.submit(_blocks, shipped, a, b, pure=False) for a, b in spans]
        parts = client.gather(futures)
    else:
        shared = dask.delayed(draws, name=f"sroi-draws-{uuid.uuid4().hex}", traverse=False)
        parts = dask.compute(*(dask.delayed(_blocks, pure=True)(shared, a, b) for a, b in spans))
    pv = np.concatenate([p[0] for p in parts])
    inv = np.concatenate([p[1] for p in parts])
    del parts
    return _finish(result, draws, pv, inv, seed, uncertain, stacklevel=2)


def _blocks(draws: _Draws, first: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """The present value and investment of the draws of blocks ``first`` to ``stop - 1``."""
    return draws.compute(first, stop)
