"""What the benchmark scripts in tools/bench share: their log and argument
helpers, and a guest (swapvisor running the guest kernel with a control
socket) driven through swapctl."""
import argparse
import json
import os
import subprocess
import sys
import time

SWAPCTL_TIMEOUT = 30  # guest-stats itself gives up after 5 s
PATCH_TIMEOUT = 300  # far beyond any apply seen under the sandbox; a hang is a failure


class BenchError(Exception):
    pass


def log(msg):
    print(f'{os.path.basename(sys.argv[0])}: {msg}', file=sys.stderr, flush=True)


def tail(path, lines=20):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


def csv(allowed, name):
    """An argparse type: a comma-separated list of some of `allowed`."""
    def parse(s):
        items = [x for x in s.split(',') if x]
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                f'{name} must be a comma-separated list of {", ".join(allowed)}')
        return items
    return parse


def cpu_list(s):
    try:
        cpus = [int(x) for x in s.split(',') if x]
    except ValueError:
        cpus = []
    if not cpus or any(not 1 <= n <= 64 for n in cpus):
        raise argparse.ArgumentTypeError('--cpus must be a comma-separated list of 1..64')
    return cpus


class Guest:
    """One swapvisor run of the guest kernel (or `kernel`, a path under the
    build, e.g. the test kernel) with a control socket; `vmm_args` go to
    swapvisor run (e.g. --patch-key)."""

    def __init__(self, build, cpus, workdir, boot_timeout, vmm_args=(),
                 kernel='guest/sv-kernel.elf'):
        self.build = build
        self.sock = os.path.join(workdir, f'sv-{cpus}.sock')
        self.console = os.path.join(workdir, f'console-{cpus}.log')
        self.vmm_log = os.path.join(workdir, f'vmm-{cpus}.log')
        with open(self.vmm_log, 'w') as out:
            self.proc = subprocess.Popen(
                [f'{build}/vmm/swapvisor', 'run', '--kernel', f'{build}/{kernel}',
                 '--cpus', str(cpus), '--control', self.sock, '--console', self.console,
                 *vmm_args],
                stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + boot_timeout
        while True:
            if self.proc.poll() is not None:
                self.fail(f'swapvisor exited with status {self.proc.returncode} during boot')
            if os.path.exists(self.sock) and self.swapctl('guest-stats', check=False):
                return
            if time.monotonic() > deadline:
                self.fail(f'guest-stats did not answer within {boot_timeout} s of boot')
            time.sleep(0.2)

    def fail(self, msg):
        raise BenchError(f'{msg}\n--- vmm output:\n{tail(self.vmm_log)}'
                         f'--- guest console:\n{tail(self.console)}')

    def swapctl(self, *args, check=True):
        """The JSON answer of one swapctl command (None if !check and it failed)."""
        try:
            r = subprocess.run([f'{self.build}/tools/swapctl', '-s', self.sock, '--json', *args],
                               capture_output=True, text=True, timeout=SWAPCTL_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f'swapctl {" ".join(args)} did not answer within {SWAPCTL_TIMEOUT} s')
        try:
            answer = json.loads(r.stdout.splitlines()[0])
        except (IndexError, ValueError):
            answer = None
        if r.returncode or not answer or not answer.get('ok'):
            if check:
                self.fail(f'swapctl {" ".join(args)} failed (status {r.returncode}): '
                          f'{r.stdout.strip()} {r.stderr.strip()}')
            return None
        return answer

    def patch(self, *args):
        """Runs `swapctl --json patch ARGS`; its JSON events, and the host's
        CLOCK_MONOTONIC (ns) just before and after."""
        cmd = [f'{self.build}/tools/swapctl', '-s', self.sock, '--json', 'patch', *args]
        start = time.monotonic_ns()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=PATCH_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f'swapctl patch {" ".join(args)} did not end within {PATCH_TIMEOUT} s')
        end = time.monotonic_ns()
        try:
            events = [json.loads(line) for line in r.stdout.splitlines()]
        except ValueError:
            events = None
        if r.returncode or events is None:
            self.fail(f'swapctl patch {" ".join(args)} failed (status {r.returncode}): '
                      f'{r.stderr.strip()}\n{r.stdout.strip()}')
        return events, start, end

    def stats(self):
        return self.swapctl('guest-stats')['stats']

    def quit(self):
        self.swapctl('quit', '0')
        try:
            status = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.fail('swapvisor did not exit within 60 s of quit')
        if status:
            self.fail(f'swapvisor exited with status {status} after quit 0')

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
