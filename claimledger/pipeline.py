"""The whole path: ingest → clean → annotate → extract → store, then link → group across documents.

`process_article` is the per-document work as a pure function (an article in, its records out), so
any engine can run it anywhere. `build` streams inputs through it with spaCy's batching and hands
each result to the store, the only writer; the cross-document steps (linking, near-copies, grouping)
run afterwards. The per-document work can also run in worker processes or on a Dask cluster.
"""
from __future__ import annotations

import logging
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from itertools import islice
from typing import Callable, Iterable, Iterator, Optional, Union

from .annotate import annotate, load_nlp
from .clean import clean_article
from .errors import InputError, InputWarning, UsageError, WorkerError
from .extract.attribution import MentionIndex, reported_relations
from .extract.citations import extract_citations
from .extract.claims import extract_claims
from .extract.entities import extract_entities
from .extract.figures import extract_figures
from .extract.quotes import extract_quotes
from .fetch import Fetcher, is_url
from .extract.blocking import minhash_bands, story_keys, text_signature
from .group import regroup
from .link import relink
from .ingest import Overrides, expand_paths, read_expanded
from .models import Article, Document, DocumentRecords, Skipped, keep_exact_spans, make_id
from .settings import Settings, load_settings
from .store import Ledger
from .store_postgres import is_postgres

log = logging.getLogger(__name__)


def input_key(article: Article) -> str:
    """What makes an input the same input: its bytes and the metadata overrides applied to it."""
    return make_id(article.raw_sha256, article.outlet, article.published, article.fmt, length=20)


def analyse(document: Document, doc, settings: Optional[Settings] = None) -> DocumentRecords:
    """Every record in one cleaned, annotated document; items whose span does not check are dropped."""
    settings = settings or load_settings()
    entities, mentions = extract_entities(doc, document.id, settings)
    index = MentionIndex(mentions, entities)
    quotes = extract_quotes(doc, document.id, index, settings)
    relations = reported_relations(doc, index, settings)
    quantities = extract_figures(doc, document.id, index, document.published, settings, quotes, relations)
    citations = extract_citations(doc, document.id, index, settings, document.outlet)
    claims = extract_claims(doc, document.id, index, quotes, relations,
                            settings["attribution"]["claim_record_min_words"])
    dropped: list[str] = []
    text = document.text
    mentions = keep_exact_spans(text, mentions, dropped)
    signature = text_signature(text, settings)
    return DocumentRecords(
        document=document,
        entities=tuple(entities),
        mentions=mentions,
        quantities=keep_exact_spans(text, quantities, dropped),
        quotes=keep_exact_spans(text, quotes, dropped),
        citations=keep_exact_spans(text, citations, dropped),
        minhash=signature,
        bands=minhash_bands(signature, settings),
        story_keys=story_keys((m.entity for m in mentions), settings),
        claims=keep_exact_spans(text, claims, dropped),
        dropped=tuple(dropped),
    )


def process_article(article: Article, nlp=None, settings: Optional[Settings] = None) -> DocumentRecords:
    """One article in, its records out: the unit of work for any engine. Raises `InputError`."""
    settings = settings or load_settings()
    document = clean_article(article, settings)
    return analyse(document, (nlp or load_nlp())(document.text), settings)


def skipped_from(error: InputError, article: Optional[Article] = None) -> Skipped:
    """The skip for one input: named by where it was read (a JSON line's file and line number, its URL
    in the reason), so that two bad lines never collapse into one row."""
    source, reason = error.source, error.reason
    if article is not None and article.origin and article.origin != source:
        source, reason = article.origin, f"{reason} ({error.source})"
    return Skipped(make_id(source, reason), source, reason, error.code)


@dataclass
class BuildReport:
    stored: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    groups: int = 0
    seconds: float = 0.0
    words: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, where measurable

    def summary(self) -> str:
        return (f"stored {self.stored}, unchanged {self.unchanged}, skipped {len(self.skipped)}, "
                f"groups {self.groups}, {self.seconds:.1f} s")

    def add(self, stage: str, seconds: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + seconds


def timed(items: Iterable, stage: str, report: BuildReport) -> Iterator:
    """The items, adding the time spent producing each one to the report's stage."""
    iterator = iter(items)
    while True:
        started = time.perf_counter()
        try:
            item = next(iterator)
        except StopIteration:
            report.add(stage, time.perf_counter() - started)
            return
        report.add(stage, time.perf_counter() - started)
        yield item


class Progress:
    """A one-line progress bar on stderr, shown only on a terminal and only once a build runs a while."""

    def __init__(self, total: int, enabled: bool, stream=sys.stderr):
        self.total, self.enabled, self.stream = total, enabled, stream
        self.started = time.monotonic()
        self.after = load_settings()["limits"]["progress_after_seconds"]
        self.shown = False

    def update(self, done: int) -> None:
        elapsed = time.monotonic() - self.started
        if not self.enabled or elapsed < self.after:
            return
        rate = done / elapsed if elapsed else 0.0
        if self.total and done <= self.total:
            filled = int(30 * done / self.total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total}"
        else:
            bar = f"{done} inputs"
        self.stream.write(f"\r{bar}  {rate:.1f}/s ")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _new_articles(items: Iterable, ledger: Ledger, report: BuildReport, on_skip: Callable[[Skipped], None],
                  tick: Callable[[], None], warn: Callable[[str], None] = lambda line: None,
                  story: Optional[str] = None) -> Iterator[tuple[Article, str]]:
    """Each readable input not yet in the ledger, with its input key; unreadable ones are reported,
    and one already stored is put in the named `story` if there is one."""
    for item in items:
        if isinstance(item, InputWarning):
            warn(f"warning {item.source}: {item.reason}")
            continue
        if isinstance(item, InputError):
            on_skip(skipped_from(item))
            tick()
            continue
        key = input_key(item)
        if ledger.has_input(key):
            if story:
                ledger.put_input_in_story(key, story)
            report.unchanged += 1
            tick()
            continue
        yield item, key


Result = Union[DocumentRecords, Skipped]


def failed(source: str, exc: Exception, article: Optional[Article] = None) -> Skipped:
    """One document's extraction failed: it is skipped with the reason, and the batch goes on."""
    log.debug("extraction failed for %s\n%s", source, traceback.format_exc())
    message = str(exc).splitlines()[0][:200] if str(exc).strip() else ""
    if article is not None and article.origin and article.origin != source:
        source, message = article.origin, f"{message} ({source})"
    return Skipped(make_id(source, "internal", type(exc).__name__), source,
                   f"extraction failed ({type(exc).__name__}: {message}); please report this input", "CL900")


def analysed_here(articles: Iterator[tuple[Article, str]], nlp, settings: Settings,
                  report: Optional[BuildReport] = None) -> Iterator[tuple[str, Result]]:
    """(input key, records or skip) for each article, in this process, with spaCy's batching."""
    report = report or BuildReport()

    def cleaned() -> Iterator[tuple[str, tuple]]:
        for article, key in articles:
            started = time.perf_counter()
            try:
                document = clean_article(article, settings)
            except InputError as exc:
                yield "", (None, key, skipped_from(exc, article), article)
                continue
            except Exception as exc:  # noqa: BLE001 - one input's failure must not stop the batch
                yield "", (None, key, failed(article.source, exc, article), article)
                continue
            finally:
                report.add("clean", time.perf_counter() - started)
            yield document.text, (document, key, None, article)

    for spacy_doc, (document, key, skipped, article) in timed(annotate(cleaned(), nlp), "annotate", report):
        if skipped is not None:
            yield key, skipped
            continue
        started = time.perf_counter()
        try:
            records = analyse(document, spacy_doc, settings)
        except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the batch
            records = failed(document.source, exc, article)
        report.add("extract", time.perf_counter() - started)
        yield key, records


def work(task: tuple[Article, str]) -> tuple[str, Result]:
    """The per-document unit for a worker process: an article in, its records (or why not) out."""
    article, key = task
    try:
        return key, process_article(article)
    except InputError as exc:
        return key, skipped_from(exc, article)
    except Exception as exc:  # noqa: BLE001
        return key, failed(article.source, exc, article)


def work_many(tasks: list[tuple[Article, str]]) -> list[tuple[str, Result]]:
    """A slice of articles for a worker process: their results, in order, as one process builds them."""
    return list(analysed_here(iter(tasks), load_nlp(), load_settings()))


def analysed_in_pool(articles: Iterator[tuple[Article, str]], jobs: int) -> Iterator[tuple[str, Result]]:
    """The same results from `jobs` worker processes, in input order, a bounded window at a time.
    The workers analyse the next window while the caller stores this one. Each worker runs the very
    code of a one-process build (`analysed_here`, spaCy's batching included) on a slice of the window.
    Where the system can fork, the workers are forked from this process with the model already
    loaded (as spaCy's own `n_process` does); elsewhere each starts afresh and loads it."""
    import multiprocessing

    size = load_settings()["limits"]["nlp_batch_size"]
    window = 2 * jobs * size
    before = set(multiprocessing.active_children())
    if "fork" in multiprocessing.get_all_start_methods():
        load_nlp()
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=leave_interrupts_to_the_build)
    else:
        pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=start_worker)
    workers = [p for p in multiprocessing.active_children() if p not in before]
    try:
        running = None
        while True:
            batch = list(islice(articles, window))
            step = max(1, min(size, -(-len(batch) // (2 * jobs))))
            slices = [batch[i:i + step] for i in range(0, len(batch), step)]
            ahead = pool.map_async(work_many, slices, chunksize=1) if batch else None
            if running is not None:
                for results in results_of(running, workers):
                    yield from results
            if ahead is None:
                break
            running = ahead
    except BaseException:  # the build stopped early (an error, ^C, the generator closed): stop them now
        pool.terminate()
        pool.join()
        raise
    pool.close()  # every task is done: let the workers exit, and wait for them to
    pool.join()


def leave_interrupts_to_the_build() -> None:
    """A worker ignores ^C (a terminal sends it to the whole process group): the build that started
    it stops it, and says so in one line, instead of each worker printing where it was."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_worker() -> None:
    leave_interrupts_to_the_build()
    load_nlp()


def results_of(running, workers: list, poll_seconds: float = 1.0) -> list:
    """A window's results, waiting for them; a pool silently replaces a worker that died, and its
    slice never comes back, so a worker that ended (killed, out of memory) stops the build instead
    of hanging it."""
    import multiprocessing

    while True:
        try:
            return running.get(timeout=poll_seconds)
        except multiprocessing.TimeoutError:
            dead = next((w for w in workers if w.exitcode is not None), None)
            if dead is not None:
                raise WorkerError(f"a worker process ended (exit code {dead.exitcode}: killed, or out of "
                                  f"memory) while analysing; what was stored stays. Rerun with fewer --jobs")


def auto_jobs(inputs: int, settings: Settings) -> int:
    """The cores, when there are enough inputs to repay loading the model in each worker."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if inputs >= settings["limits"]["parallel_from_inputs"] else 1


def build(paths: list[str], db: str, overrides: Overrides = Overrides(), *, quiet: bool = False,
          show_progress: Optional[bool] = None, stdin=None, arguments: Optional[list[str]] = None,
          echo: Callable[[str], None] = lambda line: print(line, file=sys.stderr), jobs: Optional[int] = 1,
          engine: str = "local", scheduler: Optional[str] = None, story: Optional[str] = None) -> BuildReport:
    """Builds (or extends) the ledger at `db` from `paths`; returns what happened. With `jobs` > 1
    the per-document work runs in that many worker processes, and with `engine="dask"` on a Dask
    cluster (`scheduler`, or a local one of `jobs` workers); the ledger written is the same. `story`
    puts every article of the batch, new or already stored, in the story of that name."""
    settings = load_settings()
    report = BuildReport()
    started = time.monotonic()
    expanded = list(expand_paths(paths))  # file names only: walking the folders once
    total = sum(1 for p in expanded if not isinstance(p, InputError))
    if jobs is None:
        jobs = auto_jobs(total, settings)
    if engine == "local":
        loading = time.perf_counter()
        load_nlp()  # a missing model fails here, before anything is written (and forked workers share it)
        report.add("load model", time.perf_counter() - loading)
    if show_progress is None:
        show_progress = not quiet and sys.stderr.isatty()
    progress = Progress(total, show_progress)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress.update(done)

    new_file = None if is_postgres(db) or Path(db).exists() else Path(db)
    with Ledger(db) as ledger:
        run_id = ledger.start_run(arguments or paths)

        def on_skip(skipped: Skipped) -> None:
            report.skipped.append(skipped)
            ledger.add_skipped(skipped, run_id)
            if not quiet:
                progress.close()
                echo(f"skipped {skipped.source}: {skipped.reason}")

        fetcher = Fetcher(ledger) if any(is_url(p) for p in paths) else None
        items = read_expanded(expanded, overrides, fetcher=fetcher, **({"stdin": stdin} if stdin is not None else {}))
        warn = (lambda line: (progress.close(), echo(line))) if not quiet else (lambda line: None)
        origins: dict[str, str] = {}  # input key -> file and line, for JSON lines: the store's skips name them

        def remember(pairs: Iterator[tuple[Article, str]]) -> Iterator[tuple[Article, str]]:
            for article, key in pairs:
                if article.origin:
                    origins[key] = article.origin
                yield article, key

        articles = timed(remember(_new_articles(items, ledger, report, on_skip, tick, warn, story)), "ingest", report)
        if engine == "dask":
            results = analysed_on_dask(articles, scheduler, jobs)
        elif jobs > 1:
            results = analysed_in_pool(articles, jobs)
        else:
            results = analysed_here(articles, load_nlp(), settings, report)
        status = "interrupted"
        waiting: list[tuple[str, Result, Optional[str]]] = []  # analysed, not yet written

        def write_waiting() -> None:
            """One transaction for the documents waiting (each still all or nothing within it)."""
            started_store = time.perf_counter()
            batch = waiting[:]
            waiting.clear()
            with ledger.transaction():
                for key, result, origin in batch:
                    store_one(ledger, key, result, run_id, report, on_skip, origin, story)
                    if fetcher is not None and not isinstance(result, Skipped) and is_url(result.document.source):
                        fetcher.mark_stored(result.document.source, result.document.id)
            report.add("store", time.perf_counter() - started_store)
            for _ in batch:
                tick()

        limits = settings["limits"]
        try:
            first_waiting = time.monotonic()
            try:
                for key, result in results:
                    if not waiting:
                        first_waiting = time.monotonic()
                    waiting.append((key, result, origins.pop(key, None)))
                    if len(waiting) >= limits["store_batch_documents"] or \
                            time.monotonic() - first_waiting >= limits["store_batch_seconds"]:
                        write_waiting()
            finally:  # what was analysed is kept, however the loop ends
                if waiting:
                    write_waiting()
            started_cross = time.perf_counter()
            relink(ledger)
            report.add("link", time.perf_counter() - started_cross)
            started_cross = time.perf_counter()
            report.groups = regroup(ledger)
            report.add("group", time.perf_counter() - started_cross)
            status = "done"
        finally:
            getattr(results, "close", lambda: None)()  # worker processes end with the build, however it ends
            progress.close()
            report.seconds = time.monotonic() - started
            nested = report.stages.get("clean", 0.0) + report.stages.get("ingest", 0.0)
            if "annotate" in report.stages:  # spaCy pulls cleaned texts (and inputs) while it runs
                report.stages["annotate"] = max(0.0, report.stages["annotate"] - nested)
            ledger.finish_run(run_id, report.stored, len(report.skipped), status)
    if new_file is not None and not report.stored:  # no empty ledger left behind; the reasons were printed
        for leftover in (new_file, *(new_file.with_name(new_file.name + end) for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return report


def analysed_on_dask(articles: Iterator[tuple[Article, str]], scheduler: Optional[str],
                     workers: int) -> Iterator[tuple[str, Result]]:
    """The same results from a Dask cluster (at `scheduler`, or a local one of `workers` processes),
    in input order, a bounded window at a time. Each worker loads the spaCy model once."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError("--engine dask needs Dask: pip install 'dask[distributed]'") from exc
    logging.getLogger("distributed").setLevel(logging.WARNING)
    cluster = None if scheduler else LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                                  dashboard_address=None, silence_logs=logging.WARNING)
    try:
        with Client(scheduler or cluster) as client:
            window = max(1, len(client.scheduler_info()["workers"])) * load_settings()["limits"]["nlp_batch_size"]
            while True:
                batch = list(islice(articles, window))
                if not batch:
                    return
                futures = client.map(work, batch, pure=False)
                yield from client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()


def store_one(ledger: Ledger, key: str, result: Result, run_id: str, report: BuildReport,
              on_skip: Callable[[Skipped], None], origin: Optional[str] = None, story: Optional[str] = None) -> None:
    if isinstance(result, Skipped):
        on_skip(result)
        return
    document = result.document
    existing = ledger.add_document(result, key, run_id, story)
    if existing is not None and existing[1] == key:  # another build stored this very input meanwhile
        report.unchanged += 1
        return
    if existing is not None:
        source, named = (origin, f" ({document.source})") if origin and origin != document.source else (document.source, "")
        on_skip(Skipped(make_id(source, "duplicate", existing[0]), source,
                        f"same article text as {existing[0]}, already in the ledger{named}", "CL108"))
        return
    report.stored += 1
    report.words += len(document.text.split())


__all__ = ["build", "process_article", "analyse", "BuildReport"]
