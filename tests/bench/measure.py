"""`python -m tests.bench.measure ARGS...`: run ARGS once, print its wall seconds, CPU seconds (its own
and its waited-for children's) and peak resident MB. The standard library only, so that this process is
small when it forks: Linux carries the forking process's peak RSS over into the child's ru_maxrss."""
import os
import subprocess
import sys
import tempfile
import time

if __name__ == "__main__":
    errors = tempfile.TemporaryFile()  # not a pipe: a chatty child never blocks on a full one
    started = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=errors)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        errors.seek(0)
        sys.stderr.write(errors.read().decode()[-2000:])
        sys.exit(1)
    print(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # Linux: kilobytes
