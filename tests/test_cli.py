"""The command line: exit codes and the exact first line of each error."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.load import MARKER
from etl.pipeline import BuildReport, pipeline_version
from schemas.tables import TABLES
from tests.conftest import FIXTURES, PROJECT, RAW, ROOT, digest, failing_build, failing_command

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_every_command_has_help() -> None:
    for command in ("build", "check", "explain"):
        code, output = _run(command, "--help")
        assert code == 0 and "Usage" in output


def test_check_passes_on_the_2015_build(built_2015: tuple[Path, BuildReport]) -> None:
    code, output = _run("check", "--out", str(built_2015[0]))
    assert code == 0, output
    assert "known_discrepancy 2" in output


def test_check_fails_on_a_mismatch(out: Path) -> None:
    table = pq.read_table(out / "reconciliation.parquet")
    rows = table.to_pylist()
    rows[0] = {**rows[0], "status": "mismatch", "actual_usd": 1}
    pq.write_table(table.from_pylist(rows, schema=table.schema), out / "reconciliation.parquet")
    code, output = _run("check", "--out", str(out))
    assert code == 1
    assert ": mismatch: " in output


def test_check_without_a_build(tmp_path: Path) -> None:
    code, output = _run("check", "--out", str(tmp_path / "nothing"))
    assert code == 2
    assert output.splitlines()[-1].startswith(f"{tmp_path}/nothing/reconciliation.parquet: output-missing: ")


def test_empty_file(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "empty.txt"
    raw.write_bytes(b"")
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == f"{raw}: empty-input: the file is empty; put the report's text in it or remove it from raw/"


def test_binary_named_txt(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "report.txt"
    raw.write_bytes(bytes(range(256)) * 4)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:1: not-a-report: a NUL byte at offset 0: the file holds binary bytes, not text; give a text export "
        "of the report (UTF-8, or UTF-16 with its byte-order mark) or the PDF itself"
    )


def test_a_document_that_is_no_appeal(tmp_path: Path, out: Path) -> None:
    """An IOM page on migration policy (a seed document): IOM prose, no appeal."""
    raw = tmp_path / "policy.txt"
    shutil.copy(FIXTURES / "not_an_appeal_policy_page.txt", raw)
    code, line = failing_build(raw, out)
    assert code == 2
    assert line.startswith(f"{raw}: not-a-report: ")


def test_amount_with_a_stray_letter(tmp_path: Path, out: Path) -> None:
    lines = RAW.read_text(encoding="utf-8").split("\n")
    assert lines[809] == "5,000,000"  # Burundi's emergency programme
    lines[809] = "5,0O0,000"
    raw = tmp_path / "mi-2015.txt"
    raw.write_text("\n".join(lines), encoding="utf-8")
    code, line = failing_build(raw, out)
    assert code == 2
    assert line == (
        f"{raw}:810: amount-unparseable: cannot read the programme amount '5,0O0,000'; "
        "correct the digits in the raw file (amounts are whole USD, thousands separated by commas)"
    )


def test_explain_a_section(built_2015: tuple[Path, BuildReport]) -> None:
    code, output = _run("explain", "East and Horn of Africa", "Burundi", "--out", str(built_2015[0]))
    assert code == 0, output
    assert "section BURUNDI:" in output
    assert "migration_health" in output and "500,000" in output
    assert "check: ok: expected 9,050,000" in output


def test_explain_the_multiregional_part(built_2015: tuple[Path, BuildReport]) -> None:
    code, output = _run("explain", "multiregional", "--out", str(built_2015[0]))
    assert code == 0, output
    assert "IOM Funds (mi-2015):" in output
    assert "targets USD 5 million as its funding requirement." in output
    assert output.strip().splitlines()[-2].startswith("not checked: ")


def test_the_same_project_sheet_twice(tmp_path: Path, out: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(PROJECT, raw / "a.txt")
    shutil.copy(PROJECT, raw / "b.txt")
    code, line = failing_build(raw, out)
    assert code == 2
    expected = f"{raw}/b.txt: duplicate-report: IDF project TC.0993 is already read from {raw}/a.txt;"
    assert line == f"{expected} keep one copy of each report in raw/"


# --- Output safety: mi-etl replaces only a folder it wrote (issue 12) -----------------------------


def _no_parsing(*args: object, **kwargs: object) -> None:
    raise AssertionError("a report was read before the output was checked")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's working folder: raw/ with the reports, notes, an earlier build's cache. The tests
    run in it, and reading any report fails them: the output is refused before any work."""
    folder = tmp_path / "work"
    (folder / "raw").mkdir(parents=True)
    shutil.copy(RAW, folder / "raw" / RAW.name)
    shutil.copy(PROJECT, folder / "raw" / PROJECT.name)
    (folder / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (folder / ".cache" / "mi-etl").mkdir(parents=True)
    (folder / ".cache" / "mi-etl" / "kept.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setattr("etl.pipeline.path_to_document", _no_parsing)
    return folder


def _refused(scratch: Path, *args: str) -> tuple[int, str]:
    """`mi-etl build raw ARGS...` in the scratch folder: every file under it (and beside it) as it was."""
    code, lines = failing_command(scratch.parent, "build", "raw", *args)
    assert len(lines) == 1, lines
    return code, lines[0]


_APART = "give a folder apart from the reports, the --known file and the --cache folder, e.g. --out out"


def test_out_naming_the_input_folder_is_refused(scratch: Path) -> None:
    """`--out raw` replaced the input reports with the tables."""
    assert _refused(scratch, "--out", "raw") == (2, f"raw: output-unsafe: --out is an input of the build; {_APART}")


def test_out_naming_the_working_folder_is_refused(scratch: Path) -> None:
    """`--out .` deleted everything in the folder (raw/, notes, .cache)."""
    assert _refused(scratch, "--out", ".") == (
        2,
        ".: output-unsafe: --out is the working folder, which the build would replace whole; "
        "give the tables a folder of their own, e.g. --out out",
    )


def test_out_naming_a_folder_above_the_working_folder_is_refused(scratch: Path) -> None:
    assert _refused(scratch, "--out", "..") == (
        2,
        f"..: output-unsafe: --out is a folder above the working folder {scratch}, which the build would replace "
        "whole; give the tables a folder of their own, e.g. --out out",
    )


def test_out_naming_a_file_is_refused(scratch: Path) -> None:
    """The file was renamed to a hidden .notes.txt.old-NNNN and left there."""
    assert _refused(scratch, "--out", "notes.txt") == (
        2,
        "notes.txt: output-unsafe: --out is a file, not a folder; give a folder for the tables, e.g. --out out",
    )


def test_out_under_a_file_is_unwritable(scratch: Path) -> None:
    """A 45-line traceback, exit 1."""
    assert _refused(scratch, "--out", "notes.txt/out") == (
        2,
        f"notes.txt/out: output-unwritable: --out lies under {scratch}/notes.txt, which is a file; "
        "give a folder you can write to",
    )


def test_out_in_an_unwritable_place(scratch: Path) -> None:
    """`--out /proc/x`: a 45-line traceback, exit 1."""
    try:
        os.rmdir(tempfile.mkdtemp(dir="/proc"))
        pytest.skip("/proc is writable here")
    except OSError as err:
        reason = err.strerror
    assert _refused(scratch, "--out", "/proc/x") == (
        2,
        f"/proc/x: output-unwritable: --out cannot be created in /proc: {reason}; give a folder you can write to",
    )


def test_out_inside_the_input_folder_is_refused(scratch: Path) -> None:
    assert _refused(scratch, "--out", "raw/out") == (
        2,
        f"raw/out: output-unsafe: --out lies inside an input of the build, raw; {_APART}",
    )


def test_out_holding_the_cache_is_refused(scratch: Path) -> None:
    assert _refused(scratch, "--out", ".cache") == (
        2,
        f".cache: output-unsafe: --out holds an input of the build, .cache/mi-etl; {_APART}",
    )


def test_out_holding_the_known_file_is_refused(scratch: Path) -> None:
    (scratch / "review").mkdir()
    shutil.copy(ROOT / "etl" / "data" / "known_discrepancies.toml", scratch / "review" / "known.toml")
    assert _refused(scratch, "--known", "review/known.toml", "--out", "review") == (
        2,
        f"review: output-unsafe: --out holds an input of the build, review/known.toml; {_APART}",
    )


def test_out_linked_to_the_input_folder_is_refused(scratch: Path) -> None:
    (scratch / "tables").symlink_to("raw")
    line = f"tables: output-unsafe: --out is an input of the build; {_APART}"
    assert _refused(scratch, "--out", "tables") == (2, line)


def test_a_folder_of_other_files_is_refused(scratch: Path) -> None:
    (scratch / "data").mkdir()
    (scratch / "data" / "mine.csv").write_text("a,b\n", encoding="utf-8")
    assert _refused(scratch, "--out", "data") == (
        2,
        "data: output-unsafe: --out holds files mi-etl did not write ('mine.csv') and no .mi-etl marker of an "
        "earlier build; give a new or empty folder, or one a build of mi-etl wrote (delete an old folder yourself)",
    )


def test_a_file_put_in_a_built_folder_is_not_deleted(scratch: Path, built_2015: tuple[Path, BuildReport]) -> None:
    shutil.copytree(built_2015[0], scratch / "out")
    (scratch / "out" / "notes.md").write_text("what I found\n", encoding="utf-8")
    assert _refused(scratch) == (
        2,
        "out/notes.md: output-unsafe: this is not one of the files mi-etl wrote in --out, which the build would "
        "replace whole; move it out of the folder, or give another --out",
    )


def test_a_foreign_rejected_folder_is_refused_before_the_build(scratch: Path) -> None:
    (scratch / "out.rejected").mkdir()
    (scratch / "out.rejected" / "keep.txt").write_text("mine\n", encoding="utf-8")
    assert _refused(scratch) == (
        2,
        "out.rejected: output-unsafe: the folder for rejected tables (beside --out) holds files mi-etl did not "
        "write ('keep.txt') and no .mi-etl marker of an earlier build; give a new or empty folder, or one a build "
        "of mi-etl wrote (delete an old folder yourself)",
    )


@pytest.mark.parametrize(
    ("option", "value", "line"),
    [
        (
            "--time-limit",
            "-5",
            "--time-limit: bad-option: the seconds each solve may take must be a positive number '-5'; "
            "give e.g. --time-limit 20 (the default)",
        ),
        (
            "--time-limit",
            "nan",
            "--time-limit: bad-option: the seconds each solve may take must be a positive number 'nan'; "
            "give e.g. --time-limit 20 (the default)",
        ),
        ("--jobs", "-1", "--jobs: bad-option: the number of processes must be 1 or more '-1'; give e.g. --jobs 2"),
    ],
)
def test_a_bad_option_value_is_refused(scratch: Path, option: str, value: str, line: str) -> None:
    """`--time-limit -5` was accepted."""
    assert _refused(scratch, option, value) == (2, line)


def _build_project(folder: Path, out: str = "out") -> tuple[int, str]:
    result = runner.invoke(app, ["build", str(PROJECT), "--out", str(folder / out), "--cache", str(folder / "c")])
    return result.exit_code, result.output


def test_out_is_created_with_the_users_umask(tmp_path: Path) -> None:
    """out/ was created drwx------: nobody else on the machine could read the tables."""
    for umask, folder_mode, file_mode in ((0o022, 0o755, 0o644), (0o027, 0o750, 0o640)):
        previous = os.umask(umask)
        try:
            code, output = _build_project(tmp_path, f"out-{umask:o}")
        finally:
            os.umask(previous)
        assert code == 0, output
        out = tmp_path / f"out-{umask:o}"
        assert out.stat().st_mode & 0o777 == folder_mode
        assert {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()} == dict.fromkeys(
            [MARKER, "datapackage.json", *(f"{name}.parquet" for name in TABLES)], file_mode
        )


def test_the_marker_names_the_version_and_every_file_written(tmp_path: Path) -> None:
    code, output = _build_project(tmp_path)
    assert code == 0, output
    marker = (tmp_path / "out" / MARKER).read_text(encoding="utf-8").splitlines()
    assert marker[0] == f"mi-etl {pipeline_version()}"
    assert marker[1].startswith("# ")
    assert marker[2:] == sorted(["datapackage.json", *(f"{name}.parquet" for name in TABLES)])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([MARKER, *marker[2:]])


def test_a_built_folder_and_an_empty_one_are_replaced(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    assert _build_project(tmp_path)[0] == 0
    (tmp_path / "out" / "programmes.parquet").write_bytes(b"changed by hand")
    assert _build_project(tmp_path)[0] == 0
    assert pq.read_table(tmp_path / "out" / "programmes.parquet").num_rows == 0  # the project page has none
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "out"]  # no staging folder left


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_stale_staging_folders_of_a_killed_build_are_cleared(tmp_path: Path) -> None:
    """A build killed while writing left a hidden .out.new-* folder that later builds never cleared."""
    assert _build_project(tmp_path)[0] == 0
    dead = _dead_pid()
    ours = tmp_path / f".out.new-{dead}-abc123"
    ours.mkdir()
    (ours / MARKER).write_text("mi-etl 0.1.0\nregions.parquet\n", encoding="utf-8")
    (ours / "regions.parquet").write_bytes(b"half written")
    empty = tmp_path / f".out.new-{dead}-emptyx"
    empty.mkdir()
    old = tmp_path / f".out.old-{dead}-def456"
    shutil.copytree(tmp_path / "out", old)
    unmarked = tmp_path / f".out.new-{dead}-zzz999"  # nothing proves it is mi-etl's
    unmarked.mkdir()
    (unmarked / "regions.parquet").write_bytes(b"whose?")
    extra = tmp_path / f".out.new-{dead}-yyy888"  # marked, but holding a file it does not list
    extra.mkdir()
    (extra / MARKER).write_text("mi-etl 0.1.0\nregions.parquet\n", encoding="utf-8")
    (extra / "diary.txt").write_text("mine\n", encoding="utf-8")
    rejected = tmp_path / f".out.rejected.new-{dead}-rej111"
    rejected.mkdir()
    (rejected / MARKER).write_text("mi-etl 0.1.0\nregions.parquet\n", encoding="utf-8")
    running = tmp_path / f".out.new-{os.getppid()}-www777"  # a build still running
    running.mkdir()
    (running / MARKER).write_text("mi-etl 0.1.0\n", encoding="utf-8")
    kept = {path: digest(path) for path in (unmarked, extra, running)}
    assert _build_project(tmp_path)[0] == 0
    assert not ours.exists() and not empty.exists() and not old.exists() and not rejected.exists()
    assert {path: digest(path) for path in (unmarked, extra, running)} == kept


def test_a_build_interrupted_while_writing_leaves_nothing(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("etl.load.pq.write_table", interrupted)
    code, line = failing_build(PROJECT, out)
    assert (code, line) == (
        130,
        "mi-etl: interrupted: stopped by Ctrl-C (a build replaces --out only when it ends); run the command again",
    )


def test_an_unexpected_exception_is_exit_3_with_a_log(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Exit 1 means a check failed: a defect of mi-etl is exit 3, its traceback in a log file."""
    logs = tmp_path_factory.mktemp("logs")
    monkeypatch.setattr(tempfile, "tempdir", str(logs))

    def broken(*args: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("etl.pipeline.rows_to_reconciliation", broken)
    code, line = failing_build(PROJECT, out)
    (log,) = logs.iterdir()
    assert (code, line) == (
        3,
        f"mi-etl: internal-error: unexpected RuntimeError: boom (a defect of mi-etl, not of the input); the "
        f"traceback is in {log}; please report it with the command that was run",
    )
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text


def test_explain_an_unknown_region(built_2015: tuple[Path, BuildReport]) -> None:
    """`explain` with a wrong region answered output-missing, the code for "no build yet"."""
    out = built_2015[0]
    code, lines = failing_command(out, "explain", "East Horn Africa", "--out", str(out))
    assert (code, lines) == (
        2,
        [
            f"{out}/regions.parquet: unknown-name: no region of the built tables is called 'East Horn Africa'; "
            "did you mean 'east_horn_africa' (East and Horn of Africa) or 'southern_africa' (Southern Africa) or "
            "'middle_east_north_africa' (Middle East and North Africa)?"
        ],
    )


def test_explain_an_unknown_country(built_2015: tuple[Path, BuildReport]) -> None:
    out = built_2015[0]
    code, lines = failing_command(out, "explain", "east_horn_africa", "Burundy", "--out", str(out))
    assert (code, lines) == (
        2,
        [
            f"{out}/programmes.parquet: unknown-name: no section of East and Horn of Africa is called 'Burundy'; "
            "did you mean 'BDI' (Burundi)?"
        ],
    )
    code, lines = failing_command(out, "explain", "east_horn_africa", "Atlantis", "--out", str(out))
    assert lines == [
        f"{out}/programmes.parquet: unknown-name: no section of East and Horn of Africa is called 'Atlantis'; "
        "give a section id or name; the ids are: BDI, DJI, ETH, KEN, RWA, SOM, SSD, TZA, UGA, regional"
    ]


# --- The installed command: its own parsing errors, Ctrl-C and SIGTERM --------------------------

MI_ETL = str(Path(sys.executable).parent / "mi-etl")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["build", "--time-limit", "abc"],
            "--time-limit: bad-option: Invalid value for '--time-limit': 'abc' is not a valid float; "
            "see 'mi-etl build --help'",
        ),
        (
            ["build", "--tiem-limit", "5"],
            "mi-etl build: bad-option: No such option: --tiem-limit (Possible options: --time-limit); "
            "see 'mi-etl build --help'",
        ),
        (["frob"], "mi-etl: bad-option: No such command 'frob'; see 'mi-etl --help'"),
    ],
)
def test_a_command_line_that_does_not_parse_is_one_line(tmp_path: Path, args: list[str], line: str) -> None:
    done = subprocess.run([MI_ETL, *args], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stderr.splitlines(), done.stdout) == (2, [line], "")
    assert list(tmp_path.iterdir()) == []


COPIES = 6  # reports in the interrupted build: seconds of work left for two processes after the first


def _interruptible() -> None:
    """Ctrl-C as a terminal's foreground job receives it: a test run started in the background of a
    shell without job control inherits SIGINT ignored, and a program started so keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def running_build(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """`mi-etl build` of six copies of the 2015 report (under other editions' titles) with two
    worker processes, caught after the first is parsed, while the workers parse the others (one
    report alone is solved too fast to be caught at a known point)."""
    raw = tmp_path / "c" / "raw"
    raw.mkdir(parents=True)
    text = RAW.read_text(encoding="utf-8")
    for n in range(COPIES):
        edition = f"Migration Initiatives {2015 + 10 * n}"
        (raw / f"mi-{n}.txt").write_text(text.replace("Migration Initiatives 2015", edition), encoding="utf-8")
    out = tmp_path / "out"
    command = [MI_ETL, "build", str(raw), "--out", str(out), "--jobs", "2", "--cache", str(tmp_path / "c" / "cache")]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_interruptible
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.rstrip().endswith(": parsed"):
            break
    else:
        raise AssertionError("the build ended before its reports were parsed")
    yield process, out
    if process.poll() is None:  # pragma: no cover - a failed test
        process.kill()
        process.wait()


_PARSED = re.compile(r".*/raw/mi-\d+\.txt: parsed")


def _stopped(process: subprocess.Popen[str], out: Path) -> tuple[int, list[str]]:
    """The exit code and what was printed after the signal. The pipe closes only when every
    worker process holding it is gone: a worker living on would hang here (and print here)."""
    _, rest = process.communicate(timeout=60)
    assert [p for p in out.parent.iterdir() if p.name not in ("c",)] == [], "nothing written, no staging folder"
    return process.returncode, rest.splitlines()


def _workers_of(out: Path) -> list[str]:
    """Processes still running with this build's command line (forked workers share it)."""
    alive = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(out).encode() in (proc / "cmdline").read_bytes():
                alive.append(proc.name)
        except OSError:
            continue
    return alive


def test_sigterm_stops_the_build_and_its_workers_quietly(running_build: tuple[subprocess.Popen[str], Path]) -> None:
    """Killed while regions were solved, its workers lived on and printed BrokenPipeError tracebacks."""
    process, out = running_build
    process.send_signal(signal.SIGTERM)
    code, lines = _stopped(process, out)
    assert (code, lines[-1:]) == (
        143,
        ["mi-etl: terminated: stopped by SIGTERM (a build replaces --out only when it ends); run the command again"],
    )
    assert not any("Traceback" in line or "Error" in line for line in lines), lines
    assert _workers_of(out) == []


def test_ctrl_c_stops_the_build_and_its_workers_quietly(running_build: tuple[subprocess.Popen[str], Path]) -> None:
    process, out = running_build
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to the whole process group
    code, lines = _stopped(process, out)
    assert (code, lines[-1:]) == (
        130,
        ["mi-etl: interrupted: stopped by Ctrl-C (a build replaces --out only when it ends); run the command again"],
    )
    assert not any("Traceback" in line or "Error" in line for line in lines), lines
    assert _workers_of(out) == []


def test_workers_of_a_killed_build_stop_with_it(running_build: tuple[subprocess.Popen[str], Path]) -> None:
    """SIGKILL gives the build no way out: its workers must still stop, and print nothing."""
    process, out = running_build
    process.kill()
    code, lines = _stopped(process, out)
    assert code == -signal.SIGKILL
    # The build itself prints "<report>: parsed" as each report's rows come back; a copy that ended
    # with the one the fixture waited for may already be in the pipe when the kill comes. The build
    # cannot print after SIGKILL, so anything else here came from a worker living on.
    assert [line for line in lines if not _PARSED.fullmatch(line)] == [], lines
    for _ in range(50):  # the kernel signals them as the parent dies; give them a moment to go
        if not _workers_of(out):
            break
        time.sleep(0.1)
    assert _workers_of(out) == []


def test_cache_naming_a_file_is_refused(scratch: Path) -> None:
    assert _refused(scratch, "--cache", "notes.txt") == (
        2,
        "notes.txt: output-unwritable: --cache is a file; give --cache a folder, e.g. --cache .cache/mi-etl",
    )


def test_check_on_a_table_that_is_not_parquet(out: Path) -> None:
    (out / "reconciliation.parquet").write_bytes(b"not a table")
    code, lines = failing_command(out.parent, "check", "--out", str(out))
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"{out}/reconciliation.parquet: output-missing: not a table mi-etl can read (")
    assert lines[0].endswith("); build again: run 'mi-etl build' (or 'make build')")


def test_a_closed_pipe_ends_explain_quietly(built_2015: tuple[Path, BuildReport]) -> None:
    """`mi-etl explain ... | head -1`: no BrokenPipeError traceback, the exit status SIGPIPE gives.
    Here the reader is gone before the first line is written."""
    command = [MI_ETL, "explain", "multiregional", "--out", str(built_2015[0])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert (process.wait(timeout=60), process.stderr.read()) == (141, "")


def test_an_unexpected_exception_in_a_worker_process_is_exit_3(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Regions solved in forked processes: a defect there reaches the user as the same one line."""
    logs = tmp_path_factory.mktemp("logs")
    monkeypatch.setattr(tempfile, "tempdir", str(logs))

    def broken(*args: object) -> None:
        raise ValueError("no pairing")

    monkeypatch.setattr("etl.resolve._resolve", broken)  # inherited by the forked workers
    code, line = failing_build(RAW, out, "--jobs", "2")
    (log,) = logs.iterdir()
    assert (code, line) == (
        3,
        "mi-etl: internal-error: unexpected RuntimeError: ValueError: no pairing (in a worker process) (a defect of "
        f"mi-etl, not of the input); the traceback is in {log}; please report it with the command that was run",
    )
    assert 'raise ValueError("no pairing")' in log.read_text(encoding="utf-8")
