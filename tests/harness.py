"""The harness the end-to-end scripts share (tests/e2e.py, e2e_bad.py,
e2e_shard.py, review_browser.py): where the repository and the binary are,
running a command, temporary folders, named checks, running the registered
tests one by one, and the closing summary and exit status.

A script registers test functions with @test (each passes unless it raises)
or calls check(name, ok, detail) itself, then ends with
`sys.exit(finish("suite-name"))`. Every check prints one line:
"[ PASSED ] name", "[ FAILED ] name: detail" or "[ SKIPPED ] name: reason";
finish() prints "suite-name: N passed, N failed[, N skipped]" and returns 1
when a check failed or none passed (a suite that checked nothing has not
passed), else 0.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "corpus")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")

_counts = {"passed": 0, "failed": 0, "skipped": 0}
TESTS = []


class Skip(Exception):
    """Raised by a test that cannot run in this environment (the reason)."""


def binary():
    """The related binary named by the script's first argument (default
    ./related of the repository), as an absolute path."""
    return os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "related"))


def run(cmd, check=False, text=True, **kw):
    """Runs cmd (a list) with no standard input and its output captured.
    With check=True a non-zero exit raises AssertionError naming the command
    and the end of its standard error."""
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=text,
                       stdin=subprocess.DEVNULL, **kw)
    if check and p.returncode != 0:
        err = p.stderr if text else p.stderr.decode(errors="replace")
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {p.returncode}: {err[-2000:]}")
    return p


class TempDir:
    """`with TempDir() as path:` a fresh folder, removed afterwards."""

    def __init__(self, prefix="related-test-"):
        self.prefix = prefix

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix=self.prefix)
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def check(name, ok, detail=""):
    """Records and prints one named check; returns ok."""
    if ok:
        _counts["passed"] += 1
        print("[ PASSED ] " + name)
    else:
        _counts["failed"] += 1
        print("[ FAILED ] " + name + (": " + str(detail) if detail else ""))
    sys.stdout.flush()
    return bool(ok)


def skip(name, reason):
    _counts["skipped"] += 1
    print(f"[ SKIPPED ] {name}: {reason}")


def test(fn):
    """Registers a test function for run_tests()."""
    TESTS.append(fn)
    return fn


def run_tests():
    """Runs every registered test in order, each even after another failed:
    one that returns passes, one that raises Skip is skipped, any other
    exception is a failure."""
    for fn in TESTS:
        try:
            fn()
        except Skip as s:
            skip(fn.__name__, s)
        except Exception as e:  # report every failure, keep going
            check(fn.__name__, False, f"{type(e).__name__}: {e}")
        else:
            check(fn.__name__, True)


def finish(suite):
    """Prints the suite's closing line; returns its exit status."""
    c = _counts
    line = f"{suite}: {c['passed']} passed, {c['failed']} failed"
    if c["skipped"]:
        line += f", {c['skipped']} skipped"
    if c["failed"] == 0 and c["passed"] == 0:
        line += " (nothing was checked)"
    print(line)
    return 1 if c["failed"] or not c["passed"] else 0
