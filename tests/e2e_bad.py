#!/usr/bin/env python3
"""End-to-end tests of the `related` binary on hostile inputs (issue 7).

scripts/make-bad-inputs generates the inputs into a temporary folder: empty,
binary and truncated pages, lying charsets, 200,000-deep nesting, a 16 MB page,
external entities naming a sentinel file outside the inputs, gzip bombs,
symlink loops, odd file names, broken JSON Lines, corrupt models and more.
The real binary runs on them under a timeout and an address-space limit, and
every test checks its output: no crash, no hang, every input either in
related.jsonl or skipped with a reason in report.json, the sentinel's marker
nowhere, valid JSON whose ids round-trip, corrupt models refused.

Prints one line per test and a closing "e2e-bad: N passed, N failed" line;
exits 1 on any failure. As root, the unreadable-file test runs a copy of the
binary as `nobody` (setpriv); a test that cannot run here prints a
"[ SKIPPED ]" line with the reason.
"""
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile

from harness import CORPUS, ROOT, Skip, binary, finish, run_tests, test
import harness

BIN = binary()
GENERATOR = os.path.join(ROOT, "scripts", "make-bad-inputs")

TIMEOUT = 120            # seconds per command
MEMORY = 2 << 30         # bytes of address space per command
JOBS = "4"               # bounded, so that per-thread arenas fit the limit on big machines
PAGE_EXTS = (".html.gz", ".htm.gz", ".html", ".htm")


def _sanitized():
    """True when the binary is built with AddressSanitizer, which reserves
    terabytes of address space: RLIMIT_AS cannot apply, and it runs slower."""
    with open(BIN, "rb") as f:
        return b"__asan_init" in f.read()


ASAN = _sanitized() if os.path.exists(BIN) else False


def _limits():
    if not ASAN:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(*args, timeout=TIMEOUT):
    """Runs the binary with bytes output; a timeout is a test failure (a hang)."""
    t = timeout * (4 if ASAN else 1)
    try:
        return harness.run([BIN, *args], text=False, timeout=t, preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"hang: `related {' '.join(map(str, args))}` ran over {t} s")


def crashed(p):
    """A signal, or a status outside the documented 0-4 (5 is an internal error)."""
    return p.returncode < 0 or p.returncode > 4


# ---- the generated set and one run over all of it, shared by the tests ----

STATE = {}


def setup():
    tmp = tempfile.mkdtemp(prefix="related-e2e-bad-")
    STATE["tmp"] = tmp
    good_model = os.path.join(tmp, "good.model")
    p = run("build", os.path.join(CORPUS, "column1"), "-m", good_model, "-q")
    assert p.returncode == 0, f"build of the good model failed: {p.stderr.decode(errors='replace')}"
    inp = os.path.join(tmp, "in")
    g = subprocess.run([sys.executable, GENERATOR, inp, "--model", good_model],
                       capture_output=True, text=True, timeout=300)
    assert g.returncode == 0, f"make-bad-inputs failed: {g.stderr[-2000:]}"
    STATE["in"] = inp
    STATE["pages"] = os.path.join(inp, "pages")
    STATE["jsonl"] = sorted(os.path.join(inp, "jsonl", f) for f in os.listdir(os.path.join(inp, "jsonl")))
    STATE["models"] = os.path.join(inp, "models")
    with open(os.path.join(inp, "INDEX.json")) as f:
        STATE["index"] = json.load(f)
    STATE["marker"] = STATE["index"]["marker"].encode()
    out = os.path.join(tmp, "out")
    STATE["out"] = out
    STATE["run"] = run("run", STATE["pages"], *STATE["jsonl"], "-o", out, "-j", JOBS)


def teardown():
    tmp = STATE.get("tmp")
    if tmp:
        for dirpath, dirs, files in os.walk(tmp):
            for n in dirs + files:  # the unreadable file must be removable
                try:
                    os.chmod(os.path.join(dirpath, n), 0o700, follow_symlinks=False)
                except (OSError, NotImplementedError):
                    pass
        shutil.rmtree(tmp, ignore_errors=True)


def run_result():
    p = STATE["run"]
    assert not crashed(p), f"run crashed (status {p.returncode}): {p.stderr[-2000:]!r}"
    out = STATE["out"]
    with open(os.path.join(out, "related.jsonl"), "rb") as f:
        raw = f.read()
    with open(os.path.join(out, "report.json"), "rb") as f:
        report = json.loads(f.read().decode("utf-8"))
    # README: 0 success, 1 success with skipped inputs (output written)
    want = 1 if report["skipped"] else 0
    assert p.returncode == want, f"run exited {p.returncode}, expected {want}: {p.stderr[-2000:]!r}"
    lines = [json.loads(l.decode("utf-8")) for l in raw.split(b"\n") if l]
    return raw, lines, report


def skipped_map(report):
    return {s["input"]: s["reason"] for s in report["skipped"]}


def id_from_rel(rel):
    """The id the input stage gives a page: its relative path without the extension."""
    low = rel.lower()
    for e in PAGE_EXTS:
        if low.endswith(e) and len(rel) > len(e):
            return rel[: -len(e)]
    return rel


def shown(b):
    """How a file name (bytes) appears in JSON output: invalid UTF-8 as U+FFFD."""
    return b.decode("utf-8", "replace")


def folder_inputs(root):
    """(name, id) of every page the folder walk must consider, as bytes-safe
    strings: hidden entries skipped, symlinks to folders not followed."""
    broot = os.fsencode(root)
    found = []

    def walk(rel):
        d = os.path.join(broot, rel) if rel else broot
        for n in sorted(os.listdir(d)):
            if n.startswith(b"."):
                continue
            r = os.path.join(rel, n) if rel else n
            full = os.path.join(broot, r)
            if os.path.isdir(full) and not os.path.islink(full):
                walk(r)
            elif id_from_rel(shown(n)) != shown(n):
                found.append((shown(full), shown(id_from_rel(r.decode("utf-8", "surrogateescape"))
                                                  .encode("utf-8", "surrogateescape"))))
    walk(b"")
    return found


# ---- tests ----

@test
def test_generator_made_every_kind_of_input():
    idx = STATE["index"]
    pages = idx["pages"]
    for want in ("empty.html", "whitespace.html", "random-binary.html", "nul-bytes.html",
                 "truncated.html", "invalid-utf8.html", "utf16le-bom.html", "utf16be-nobom.html",
                 "meta-lies-1251.html", "meta-nonexistent.html", "deep-nesting.html",
                 "unclosed-inline.html", "page-16mb.html", "single-word-4mb.html",
                 "attribute-8mb.html", "../slow/attributes-100k.html", "one-comment.html",
                 "jsonld-broken.html", "jsonld-nested.html", "billion-laughs.html", "xxe.html",
                 "frameset.html", "json-saved-as.html", "corrupt.html.gz", "truncated-gz.html.gz",
                 "bomb.html.gz", "loop-a.html", "folder-named-like.html/inside.html",
                 "unreadable.html", "dup/a.html", "dup/a.htm"):
        assert want in pages, f"generator did not make {want}"
    assert os.path.getsize(os.path.join(STATE["pages"], "page-16mb.html")) >= 16 << 20
    assert os.path.getsize(os.path.join(STATE["pages"], "bomb.html.gz")) < 8 << 20
    assert os.path.islink(os.path.join(STATE["pages"], "loop-a.html"))
    with open(idx["sentinel"], "rb") as f:
        assert STATE["marker"] in f.read()
    assert len(idx["models"]) >= 20, sorted(idx["models"])
    assert len(idx["jsonl"]) >= 6


@test
def test_run_survives_every_hostile_input():
    raw, lines, report = run_result()
    assert lines, "no related lists at all"
    assert any(l["items"] for l in lines), "no story has a related list"
    c = report["counts"]
    assert c["inputs"] == c["stories"] + c["skipped"], c
    assert c["stories"] == len(lines), (c, len(lines))


@test
def test_every_page_is_in_the_output_or_skipped_with_a_reason():
    _, lines, report = run_result()
    ids = {l["source"]["id"] for l in lines}
    skipped = skipped_map(report)
    assert all(r.strip() for r in skipped.values()), "a skipped input without a reason"
    missing = []
    inputs = folder_inputs(STATE["pages"])
    assert len(inputs) >= 60, len(inputs)
    for name, pid in inputs:
        if name not in skipped and pid not in ids:
            missing.append(name)
    assert not missing, f"neither in related.jsonl nor skipped: {missing}"
    # hidden files and names without a page extension are no inputs at all
    assert not any(".hidden" in s or "not-a-page" in s for s in skipped)
    assert not any(i.endswith("not-a-page") or ".hidden" in i for i in ids)


@test
def test_every_jsonl_line_is_in_the_output_or_skipped_with_a_reason():
    _, lines, report = run_result()
    ids = {l["source"]["id"] for l in lines}
    skipped = skipped_map(report)
    missing = []
    for path in STATE["jsonl"]:
        with open(path, "rb") as f:
            data = f.read()
        for n, line in enumerate(data.split(b"\n"), 1):
            line = line.rstrip(b"\r")
            if not line.strip(b" \t"):
                continue
            name = f"{path}:{n}"
            if name in skipped or path in skipped:
                continue
            try:
                rec = json.loads(line.decode("utf-8"))
            except ValueError:
                rec = None
            pid = None
            if isinstance(rec, dict):
                if isinstance(rec.get("path"), str):
                    pid = rec.get("id") if isinstance(rec.get("id"), str) else id_from_rel(rec["path"])
                elif isinstance(rec.get("id"), str):
                    pid = rec["id"]
            if pid is None or pid not in ids:
                missing.append(name)
    assert not missing, f"neither in related.jsonl nor skipped: {missing}"


@test
def test_specific_inputs_are_skipped_for_the_right_reason():
    _, _, report = run_result()
    skipped = skipped_map(report)
    pages = STATE["pages"]

    def reason(rel):
        r = skipped.get(os.path.join(pages, rel))
        assert r, f"{rel} not skipped; skipped: {sorted(skipped)[:10]}..."
        return r.lower()

    def expect(rel, word):
        r = reason(rel)
        assert word in r, f"{rel}: reason {r!r} does not mention {word!r}"

    expect("empty.html", "empty")
    expect("whitespace.html", "empty")
    expect("corrupt.html.gz", "gzip")
    expect("truncated-gz.html.gz", "truncated")
    expect("empty-gz.html.gz", "empty")
    expect("bomb.html.gz", "exceeds")
    expect("bomb-members.html.gz", "exceeds")
    expect("over-limit.html", "exceeds")
    expect("loop-a.html", "symbolic links")
    expect("self-loop.html", "symbolic links")
    expect("dot-link.html", "directory")
    expect("fifo.html", "fifo")
    expect("dup/a.html", "duplicate id")
    expect("dup/b.html.gz", "duplicate id")
    expect("escape-absolute.html", "outside")
    expect("escape-relative.html", "outside")
    assert os.path.join(pages, "inside-link.html") not in skipped, "link inside the folder skipped"


@test
def test_sentinel_outside_the_inputs_never_leaks():
    marker = STATE["marker"]
    p = STATE["run"]
    assert marker not in p.stdout and marker not in p.stderr, "marker in run's messages"
    for n in os.listdir(STATE["out"]):
        if not os.path.isfile(os.path.join(STATE["out"], n)):
            continue
        with open(os.path.join(STATE["out"], n), "rb") as f:
            assert marker not in f.read(), f"sentinel content leaked into {n}"
    pages = [os.path.join(STATE["pages"], n) for n in
             ("xxe.html", "billion-laughs.html", "frameset.html", "includes.html", "jsonld-broken.html")]
    e = run("extract", *pages)
    assert not crashed(e), e.stderr[-2000:]
    assert marker not in e.stdout and marker not in e.stderr, "sentinel content leaked through extract"
    t = run("extract", "--format", "text", *pages)
    assert marker not in t.stdout and marker not in t.stderr


@test
def test_output_is_valid_json_and_ids_round_trip():
    raw, lines, report = run_result()
    raw.decode("utf-8")  # strict: the file is valid UTF-8
    assert raw.endswith(b"\n") and raw.count(b"\n") == len(lines), "a record spans lines"
    assert b"\xe2\x80\xa8" not in raw and b"\xe2\x80\xa9" not in raw, "raw U+2028/U+2029 breaks <script>"
    assert not any(b < 0x20 for b in raw.replace(b"\n", b"")), "raw control character in output"
    ids = {l["source"]["id"] for l in lines}
    with open(os.path.join(STATE["in"], "jsonl", "escaped-ids.jsonl"), encoding="utf-8") as f:
        want = [json.loads(l)["id"] for l in f if l.strip()]
    assert want and all(i in ids for i in want), [i for i in want if i not in ids]
    # pages under odd file names are in the output under exactly their names
    for rel in ("with space", 'double"quote', "single'quote", "tab\tand\x01control",
                "odd/sub dir/x&y", "json-escape-\\u0041", "unicode-\u2028-séparateur",
                "non-utf8-\ufffd\ufffd", "latin1-caf\ufffd"):
        assert rel in ids, f"id {rel!r} missing or mangled"
    for l in lines:
        for it in l["items"]:
            assert it["id"] in ids
    json.dumps(report)


@test
def test_extract_command_survives_every_page():
    e = run("extract", STATE["pages"], "-j", JOBS)
    assert not crashed(e), f"extract crashed (status {e.returncode}): {e.stderr[-2000:]!r}"
    assert e.returncode in (0, 1), e.returncode  # 1: some pages skipped
    rows = [json.loads(l.decode("utf-8")) for l in e.stdout.split(b"\n") if l]
    assert len(rows) >= 20, len(rows)
    for r in rows:
        assert isinstance(r["id"], str) and r["id"]
        # a page with a headline but no body is a (title-only) story
        assert isinstance(r["text"], str) and (r["text"].strip() or (r["title"] or "").strip()), r["id"]
        assert "\0" not in r["text"], r["id"]
    assert STATE["marker"] not in e.stdout, "sentinel content leaked through extract"


@test
def test_each_hostile_page_alone_exits_cleanly():
    """One page per process: a crash on one page cannot hide behind the others."""
    pages = STATE["pages"]
    bad = []
    for n in sorted(os.listdir(pages)):
        full = os.path.join(pages, n)
        if n.startswith(".") or not os.path.isfile(full) or n.endswith(".txt"):
            continue
        p = run("extract", "-q", full)
        if crashed(p) or p.returncode not in (0, 1, 3):
            bad.append((n, p.returncode, p.stderr[-300:]))
    assert not bad, bad


@test
def test_100k_attributes_on_one_element_do_not_hang():
    """libxml2 2.9.14 spends quadratic time on one element's attributes (20 s
    of CPU here for 100,000); the page must still finish, within twice the
    usual timeout since CI machines are shared."""
    page = os.path.join(STATE["in"], "slow", "attributes-100k.html")
    p = run("extract", "-q", page, timeout=2 * TIMEOUT)
    assert not crashed(p) and p.returncode in (0, 1, 3), (p.returncode, p.stderr[-300:])
    if p.returncode == 3:
        assert page.encode() in p.stderr, "skipped without naming the page"


@test
def test_unreadable_file_is_skipped():
    if os.geteuid() != 0:
        _, _, report = run_result()
        r = skipped_map(report).get(os.path.join(STATE["pages"], "unreadable.html"))
        assert r and "permission denied" in r.lower(), r
        return
    # As root (CI), mode 000 stops nobody: run a copy of the binary as the
    # unprivileged user `nobody` (setpriv, util-linux) on a folder of its own.
    setpriv = shutil.which("setpriv")
    if not setpriv:
        raise Skip("running as root without setpriv: cannot drop privileges")
    d = tempfile.mkdtemp(prefix="related-unreadable-")
    try:
        os.chmod(d, 0o755)
        pages = os.path.join(d, "pages")
        os.mkdir(pages)
        os.chmod(pages, 0o755)
        good = sorted(glob.glob(os.path.join(CORPUS, "*", "*", "*", "*.html")))[:3]
        for i, g in enumerate(good):
            dst = os.path.join(pages, "good%d.html" % i)
            shutil.copy(g, dst)
            os.chmod(dst, 0o644)
        locked = os.path.join(pages, "unreadable.html")
        shutil.copy(good[0], locked)
        os.chmod(locked, 0)
        out = os.path.join(d, "out")
        os.mkdir(out)
        os.chmod(out, 0o777)
        binary = os.path.join(d, "related")
        shutil.copy(BIN, binary)
        os.chmod(binary, 0o755)
        p = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                            binary, "run", pages, "-o", out, "-q"],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
        assert p.returncode == 1, (p.returncode, p.stderr[-500:])  # written, one skipped
        with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
            report = json.load(f)
        r = {s["input"]: s["reason"] for s in report["skipped"]}.get(locked)
        assert r and "permission denied" in r.lower(), report["skipped"]
        with open(os.path.join(out, "related.jsonl"), encoding="utf-8") as f:
            assert len(f.read().splitlines()) == 3
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def test_corrupt_models_are_rejected_with_exit_3_naming_the_file():
    models = STATE["models"]
    bad = []
    names = sorted(os.listdir(models)) + ["does-not-exist.model"]
    assert len(names) >= 20
    for n in names:
        path = os.path.join(models, n)
        p = run("recommend", "-m", path, "-o", os.path.join(STATE["tmp"], "model-out", n), "-q")
        err = p.stderr.decode("utf-8", "replace")
        if crashed(p) or p.returncode != 3 or path not in err:
            bad.append((n, p.returncode, err.strip()[-200:]))
        elif os.path.exists(os.path.join(STATE["tmp"], "model-out", n, "related.jsonl")):
            bad.append((n, "wrote output from a corrupt model"))
    assert not bad, bad


@test
def test_good_model_still_loads():
    """The surgery above is only meaningful if the unmodified model works."""
    p = run("recommend", "-m", os.path.join(STATE["tmp"], "good.model"),
            "-o", os.path.join(STATE["tmp"], "good-out"), "-q")
    assert p.returncode == 0, p.stderr.decode(errors="replace")


@test
def test_extract_to_a_full_device_says_so_and_exits_4():
    """A failed write of stdout is status 4 with a message naming it."""
    if not os.path.exists("/dev/full"):
        raise Skip("no /dev/full here")
    for args in (["extract", CORPUS], ["extract", "--format", "text", CORPUS]):
        with open("/dev/full", "wb") as full:
            p = subprocess.run([BIN, *args], stdout=full, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        err = p.stderr.decode(errors="replace")
        assert p.returncode == 4, f"{args}: status {p.returncode}, expected 4: {err!r}"
        assert "stdout: write failed" in err, f"{args}: no message naming stdout: {err!r}"


@test
def test_messages_about_one_thing_say_it_in_the_singular():
    """`run` of one page on one thread says "1 input on 1 thread", not "1 threads"."""
    page = os.path.join(CORPUS, "column1", "2017", "04", "putin-might-avoid-meeting-with-tillerson.html")
    p = run("run", page, "-o", os.path.join(STATE["tmp"], "one-out"), "-j", "1")
    err = p.stderr.decode(errors="replace")
    assert p.returncode == 0, f"status {p.returncode}: {err!r}"
    assert "extracting 1 input on 1 thread\n" in err, err
    for plural in ("1 inputs", "1 threads", "1 stories"):
        assert plural not in err, f"{plural!r} in {err!r}"


@test
def test_run_help_names_every_page_extension_a_folder_is_read_for():
    """The folder walk takes PAGE_EXTS (checked on the generated pages above); --help says so."""
    out = run("run", "--help").stdout.decode()
    for ext in PAGE_EXTS:
        assert "*" + ext in out, f"run --help does not name *{ext}"


@test
def test_make_install_and_uninstall_with_destdir():
    """make install puts the binary, man page, systemd units, cron file and
    run-sharded.sh under DESTDIR/PREFIX; make uninstall removes every one."""
    if not shutil.which("make"):
        raise Skip("no make here")
    dest = os.path.join(STATE["tmp"], "destdir")
    want = ["usr/bin/related", "usr/share/man/man1/related.1",
            "usr/lib/systemd/system/related-nightly.service",
            "usr/lib/systemd/system/related-nightly.timer",
            "usr/share/related/related.cron", "usr/share/related/run-sharded.sh"]
    p = subprocess.run(["make", "-s", "-C", ROOT, "install", "DESTDIR=" + dest, "PREFIX=/usr"],
                       capture_output=True, timeout=600)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    for f in want:
        assert os.path.isfile(os.path.join(dest, f)), f"make install left out {f}"
    assert os.access(os.path.join(dest, "usr/share/related/run-sharded.sh"), os.X_OK)
    with open(os.path.join(dest, "usr/lib/systemd/system/related-nightly.service")) as f:
        assert "ExecStart=/usr/bin/related run" in f.read(), "ExecStart does not name PREFIX/bin"
    p = subprocess.run(["make", "-s", "-C", ROOT, "uninstall", "DESTDIR=" + dest, "PREFIX=/usr"],
                       capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    left = [os.path.join(d, n) for d, _, files in os.walk(dest) for n in files]
    assert not left, f"make uninstall left {left}"


def main():
    if not os.path.exists(BIN):
        print(f"e2e-bad: {BIN} not built", file=sys.stderr)
        return 1
    try:
        setup()
    except Exception as e:
        harness.check("setup", False, f"{type(e).__name__}: {e}")
        teardown()
        return finish("e2e-bad")
    try:
        run_tests()
    finally:
        teardown()
    return finish("e2e-bad")


if __name__ == "__main__":
    sys.exit(main())
