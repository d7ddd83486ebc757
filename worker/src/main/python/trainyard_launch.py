"""Trainyard's warm launcher: the first program of a warm sandbox, started before its job exists.

    /usr/bin/python3 trainyard_launch.py [--path DIR] [--exit-fast] [MODULE ...]

It imports the modules (the trainer's pandas and scikit-learn, or nothing for plain scripts),
writes READY alone on a line to stdout and to stderr (the worker drops everything up to it), then
blocks on stdin for one job, a JSON line from the worker:

    {"argv": ["script.py", ...], "env": {...}, "cpuSeconds": N}

and runs argv[0] as __main__ in this interpreter, as `python3 argv...` would, with env as the whole
environment and a CPU-time limit of N seconds beyond what the imports took. The sandbox runs one
job and dies with it: nothing here survives into another run.

--exit-fast ends the process once the program's exit handlers ran and the standard streams are
flushed, without tearing the interpreter down: with pandas and scikit-learn loaded that teardown
takes 0.1-0.6 s. Only for programs that close their own files (the trainer), since the teardown
is also what flushes a file a script left open.
"""

import atexit
import builtins
import json
import os
import resource
import sys
import threading
import types

READY = "trainyard-warm-sandbox-ready"
# The path without the launcher's own directory: what a script's interpreter would start with.
BASE_PATH = sys.path[1:]


def preload(args):
    """Imports the modules named in args; returns whether --exit-fast was given."""
    args = list(args)
    exit_fast = False
    while args and args[0].startswith("--"):
        if args[0] == "--path":
            sys.path.insert(0, args[1])
            args = args[2:]
        elif args[0] == "--exit-fast":
            exit_fast = True
            args = args[1:]
        else:
            raise SystemExit(f"trainyard_launch: unknown option {args[0]}")
    for name in args:
        __import__(name)
    return exit_fast


def limit_cpu(seconds):
    """RLIMIT_CPU counts the imports' CPU too: the job gets its own seconds on top of them."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    limit = int(usage.ru_utime + usage.ru_stime) + 1 + int(seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or limit < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit))


def take_job():
    line = sys.stdin.buffer.readline()
    if not line:
        return None  # the worker dropped this sandbox unused
    # The job's standard input is /dev/null, as in a sandbox started cold.
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    return json.loads(line)


def run(job):
    script = os.path.abspath(job["argv"][0])
    os.environ.clear()
    os.environ.update(job["env"])
    limit_cpu(job["cpuSeconds"])
    sys.argv = list(job["argv"])
    # As `python3 script.py` would: the script's directory first on the path, a fresh __main__.
    sys.path[:] = [os.path.dirname(script)] + BASE_PATH
    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    try:
        with open(script, "rb") as f:
            code = compile(f.read(), script, "exec")
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:
        # Report it as the interpreter would, from the script's first frame, not the launcher's.
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != script:
            tb = tb.tb_next
        if tb is not None:
            e.__traceback__ = tb  # the interpreter's hook prints the exception's own traceback
        sys.excepthook(type(e), e, e.__traceback__)
        raise SystemExit(1)


def exit_now(status):
    """What the interpreter does at exit, less the teardown of every module."""
    threading._shutdown()
    atexit._run_exitfuncs()
    code = 0 if status is None else status if isinstance(status, int) else 1
    if not isinstance(status, (int, type(None))):
        print(status, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main():
    exit_fast = preload(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        stream.write(READY + "\n")
        stream.flush()
    job = take_job()
    if job is None:
        return
    if not exit_fast:
        run(job)
        return
    try:
        run(job)
    except SystemExit as e:
        exit_now(e.code)
    exit_now(0)


if __name__ == "__main__":
    main()
