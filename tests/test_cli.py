import json

from .conftest import EXAMPLES, run_cli, shared_path


def test_build_mixed_folder_stores_good_files_and_names_each_bad_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((EXAMPLES / "kursk-wire.txt").read_text())
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "empty.md").write_bytes(b"")
    (folder / "broken.html").write_text("<html><body><div><p>The ministry said that 12 people were")
    (folder / "lines.jsonl").write_text('{"text": "x"}\n{oops\n')
    db = tmp_path / "l.db"
    result = run_cli("build", str(folder), str(tmp_path / "nowhere"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for name, reason in [("photo.html", "binary"), ("empty.md", "empty"), ("broken.html", "article text"),
                         ("lines.jsonl:2", "not valid JSON"), ("nowhere", "no such file")]:
        assert any(name in line and reason in line for line in lines), (name, result.stderr)
    assert "stored 1" in lines[-1]
    exported = run_cli("export", "--db", str(db), "--format", "json", "-o", "-")
    data = json.loads(exported.stdout)
    assert [d["source"].rsplit("/", 1)[-1] for d in data["documents"]] == ["good.txt"]


def test_nothing_stored_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = run_cli("build", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "l.db"))
    assert result.returncode == 2 and "nothing could be stored" in result.stderr


def test_usage_errors_exit_2_with_one_line(tmp_path):
    result = run_cli("build", str(EXAMPLES), "--db", str(tmp_path / "l.db"), "--published", "soon")
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "--published" in result.stderr
    missing = run_cli("export", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 4 and "no ledger" in missing.stderr


def test_stdin_json_lines_and_overrides(tmp_path):
    line = json.dumps({"text": "Officials said on Monday that 30 soldiers had been wounded near the border.",
                       "url": "https://wire.test/a"})
    db = str(tmp_path / "l.db")
    result = run_cli("build", "-", "--db", db, "--outlet", "Wire", "--published", "2025-03-01", stdin=line)
    assert result.returncode == 0, result.stderr
    rows = run_cli("export", "--db", db, "--format", "csv").stdout.splitlines()
    assert len(rows) == 2 and "Wire" in rows[1] and "2025-03-01" in rows[1]


def test_quiet_build_prints_only_the_summary(tmp_path):
    result = run_cli("build", str(EXAMPLES), "--db", str(tmp_path / "l.db"), "--quiet")
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "\r" not in result.stderr


def test_demo_prints_the_figures_table():
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    header, rule, *rows = result.stdout.splitlines()
    assert header.split()[:3] == ["value", "counts", "category"]
    assert any("killed" in r and "300" in r for r in rows)
    assert any("Zelensk" in r for r in rows)
    assert not any(".txt" in r or ".html" in r for r in rows)  # an outlet is never a file name
    assert any("outlet not known" in r for r in rows) and any("Frontline Daily" in r for r in rows)


def test_seeds_build_and_export(tmp_path):
    seeds = shared_path("seeds")
    db = str(tmp_path / "l.db")
    assert run_cli("build", str(seeds), "--db", db, "-q").returncode == 0
    out = tmp_path / "l.json"
    assert run_cli("export", "--db", db, "--format", "json", "-o", str(out)).returncode == 0
    assert len(json.loads(out.read_text())["documents"]) == 5


def test_control_characters_from_articles_are_escaped_on_the_terminal(tmp_path):
    (tmp_path / "evil\x1b[31m.txt").write_text("")
    result = run_cli("build", str(tmp_path), "--db", str(tmp_path / "l.db"))
    assert "\x1b" not in result.stderr and "\\x1b" in result.stderr


def test_progress_bar_draws_on_a_terminal_and_clears_itself():
    import io

    from claimledger.pipeline import Progress

    stream = io.StringIO()
    progress = Progress(total=4, enabled=True, stream=stream)
    progress.after = 0
    progress.update(2)
    progress.close()
    assert "2/4" in stream.getvalue() and stream.getvalue().endswith("\r\033[K")
    silent = io.StringIO()
    Progress(total=4, enabled=False, stream=silent).update(2)
    assert silent.getvalue() == ""


def test_regroup_files_everything_anew_and_changes_nothing_under_the_same_settings(tmp_path):
    from .conftest import exported

    db = tmp_path / "l.db"
    assert run_cli("build", str(EXAMPLES), "--db", str(db), "-q").returncode == 0
    before = exported(db)
    result = run_cli("regroup", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "5 documents filed" in result.stderr
    assert exported(db) == before


def one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_export_and_report_to_a_missing_folder_are_one_line(example_ledger, tmp_path):
    for command in ("export", "report"):
        result = run_cli(command, "--db", str(example_ledger), "-o", str(tmp_path / "missing" / "x.out"))
        assert result.returncode == 2 and "cannot write" in one_line(result)


def test_a_db_that_cannot_be_a_ledger_file_is_named_plainly(tmp_path):
    (tmp_path / "good.txt").write_text((EXAMPLES / "kursk-wire.txt").read_text())
    folder = run_cli("build", str(tmp_path / "good.txt"), "--db", str(tmp_path))
    assert folder.returncode == 4 and "is a folder" in one_line(folder)
    nowhere = run_cli("build", str(tmp_path / "good.txt"), "--db", str(tmp_path / "no" / "l.db"))
    assert nowhere.returncode == 4 and "does not exist" in one_line(nowhere)
    read = run_cli("export", "--db", str(tmp_path))
    assert read.returncode == 4 and "is a folder" in one_line(read)


def test_a_build_that_stores_nothing_leaves_no_ledger(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    db = tmp_path / "l.db"
    result = run_cli("build", str(tmp_path / "empty.txt"), "--db", str(db))
    assert result.returncode == 2 and not db.exists()
    assert not list(tmp_path.glob("l.db*"))


def test_published_must_be_written_as_the_help_says(tmp_path):
    result = run_cli("build", str(EXAMPLES), "--db", str(tmp_path / "l.db"), "--published", "12/01/2025")
    assert result.returncode == 2 and "YYYY-MM-DD" in one_line(result)
    assert not (tmp_path / "l.db").exists()


def test_timings_name_every_stage(tmp_path):
    result = run_cli("build", str(EXAMPLES / "kursk-wire.txt"), "--db", str(tmp_path / "l.db"), "-q", "--timings")
    assert result.returncode == 0, result.stderr
    stages = result.stderr.strip().splitlines()[-1]
    for stage in ("load model", "ingest", "clean", "annotate", "extract", "store", "link", "group"):
        assert f"{stage} " in stages, (stage, stages)


def test_a_bad_published_in_a_json_line_is_one_warning_and_the_article_is_kept(tmp_path):
    line = json.dumps({"text": "Officials said on Monday that 30 soldiers had been wounded near the border.",
                       "published": "not known"})
    result = run_cli("build", "-", "--db", str(tmp_path / "l.db"), stdin=line + "\n")
    assert result.returncode == 0 and "stored 1" in result.stderr
    [warning] = [l for l in result.stderr.splitlines() if l.startswith("warning")]
    assert "<stdin>:1" in warning and "not known" in warning
