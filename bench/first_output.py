"""Time to first output: runs a command and prints the seconds until the
first line of its stdout (then lets it finish). For bench/run."""
import subprocess
import sys
import time

start = time.monotonic()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
first = process.stdout.readline()
seconds = time.monotonic() - start
process.stdout.read()
status = process.wait()
if status != 0 or not first:
    sys.exit(f"first_output: {sys.argv[1:]} failed (exit status {status})")
print(f"{seconds:.3f}")
