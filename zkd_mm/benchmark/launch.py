# Copyright (c) zkd_mm contributors. All rights reserved.
"""Run benchmark specs with a launcher: train, then test last and best.

Each run's work dir holds ``benchmark.json`` (its commands, status, exit
code and wall time), the training and test logs, checkpoints and the
test results in ``test_last/`` and ``test_best/``. A finished run is
skipped, an unfinished one resumes (``--resume``), and a failed run does
not stop the others.
"""
import glob
import json
import os
import os.path as osp
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from .spec import RunSpec

STATE_FILE = 'benchmark.json'
LAUNCHERS = ('none', 'pytorch', 'slurm')
LOG_TAIL_LINES = 20


@dataclass
class Launcher:
    """How runs are started.

    Attributes:
        name (str): ``'none'`` (one process), ``'pytorch'``
            (``tools/dist_train.sh``) or ``'slurm'``
            (``tools/slurm_train.sh``).
        tools_dir (str): The folder with ``train.py`` and the scripts.
        processes (int): Processes (GPUs) per run, for pytorch and slurm.
        partition (str): The Slurm partition.
        gpus_per_node (int, optional): ``GPUS_PER_NODE`` for Slurm;
            defaults to ``processes``.
        env (dict): Extra environment variables for every command.
    """

    name: str = 'none'
    tools_dir: str = 'tools'
    processes: int = 1
    partition: str = ''
    gpus_per_node: Optional[int] = None
    env: Dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in LAUNCHERS:
            raise ValueError(f'launcher must be one of {LAUNCHERS}, got '
                             f'{self.name!r}.')
        if self.name == 'slurm' and not self.partition:
            raise ValueError('the slurm launcher needs --partition.')

    @property
    def world_size(self) -> int:
        """Processes per run."""
        return 1 if self.name == 'none' else self.processes

    def environment(self) -> Dict[str, str]:
        """The environment of every command of a run."""
        env = dict(os.environ, **self.env)
        if self.name == 'pytorch':
            env['PORT'] = str(_free_port())
        elif self.name == 'slurm':
            env['GPUS'] = str(self.processes)
            env['GPUS_PER_NODE'] = str(self.gpus_per_node or self.processes)
            env.setdefault('MASTER_PORT', str(_free_port()))
        return env

    def train(self, spec: RunSpec, resume: bool,
              cfg_options: Sequence[str]) -> List[str]:
        """The training command of ``spec``."""
        tail = ['--work-dir', spec.work_dir] + (['--resume'] if resume else
                                                []) + ['--cfg-options',
                                                       *cfg_options]
        if self.name == 'none':
            return [sys.executable, osp.join(self.tools_dir, 'train.py'),
                    spec.config, *tail]
        if self.name == 'pytorch':
            return ['bash', osp.join(self.tools_dir, 'dist_train.sh'),
                    spec.config, str(self.processes), *tail]
        return ['bash', osp.join(self.tools_dir, 'slurm_train.sh'),
                self.partition, _job_name(spec), spec.config, spec.work_dir,
                *tail[2:]]

    def test(self, spec: RunSpec, checkpoint: str, work_dir: str,
             cfg_options: Sequence[str]) -> List[str]:
        """The command that tests ``checkpoint`` of ``spec``."""
        tail = ['--work-dir', work_dir, '--cfg-options', *cfg_options]
        if self.name == 'none':
            return [sys.executable, osp.join(self.tools_dir, 'test.py'),
                    spec.config, checkpoint, *tail]
        if self.name == 'pytorch':
            return ['bash', osp.join(self.tools_dir, 'dist_test.sh'),
                    spec.config, checkpoint, str(self.processes), *tail]
        return ['bash', osp.join(self.tools_dir, 'slurm_test.sh'),
                self.partition, _job_name(spec), spec.config, checkpoint,
                *tail]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _job_name(spec: RunSpec) -> str:
    return f'{spec.model[:40]}_s{spec.seed}'


def read_state(work_dir: str) -> Dict:
    """The ``benchmark.json`` of a run, or ``{}``."""
    try:
        with open(osp.join(work_dir, STATE_FILE)) as file:
            return json.load(file)
    except (OSError, ValueError):
        return {}


def _write_state(work_dir: str, state: Dict) -> None:
    from zkd_mm.fileio import atomic_write
    atomic_write(json.dumps(state, indent=2) + '\n',
                 osp.join(work_dir, STATE_FILE))


def log_tail(path: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file."""
    try:
        with open(path, errors='replace') as file:
            return ''.join(file.readlines()[-lines:])
    except OSError:
        return ''


def _run(cmd: List[str], log: str, env: Dict[str, str]) -> int:
    with open(log, 'a') as out:
        out.write(f'$ {" ".join(cmd)}\n')
        out.flush()
        return subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT,
                               env=env)


def _checkpoints(work_dir: str) -> Dict[str, str]:
    """``last`` (from last_checkpoint) and ``best`` (best_*.pth)."""
    found = {}
    try:
        with open(osp.join(work_dir, 'last_checkpoint')) as file:
            found['last'] = file.read().strip()
    except OSError:
        pass
    best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')),
                  key=osp.getmtime)
    if best:
        found['best'] = best[-1]
    return found


def _step(checkpoint: Optional[str]) -> Optional[str]:
    """``'epoch_3'`` of ``.../epoch_3.pth`` or ``.../best_x_epoch_3.pth``."""
    match = re.search(r'((?:epoch|iter)_\d+)\.pth$', checkpoint or '')
    return match.group(1) if match else None


@dataclass
class Outcome:
    """What happened to one spec."""

    spec: RunSpec
    status: str  # 'skipped', 'done' or 'failed'
    detail: str = ''


def other_run(spec: RunSpec, state: Dict) -> Optional[str]:
    """Why the run recorded in ``state`` is not ``spec``, or None.

    Two sweeps whose keys end alike (a distill ``loss_weight`` and the CE
    ``loss_weight``) name their points alike; a work dir must not then be
    skipped as finished or resumed by the other one.
    """
    if not state:
        return None
    # Extra --cfg-options may differ on purpose (a longer schedule to
    # resume); they are recorded in the state, not compared.
    wanted = dict(config=spec.config, seed=spec.seed,
                  overrides=dict(spec.overrides))
    differ = [key for key, value in wanted.items()
              if state.get(key) != value]
    if not differ:
        return None
    recorded = ', '.join(f'{key}={state.get(key)!r}' for key in differ)
    return (f'{spec.work_dir} holds another run ({recorded}); this one has '
            + ', '.join(f'{key}={wanted[key]!r}' for key in differ)
            + '. Use another --work-root, or remove that work dir.')


def run_spec(spec: RunSpec,
             launcher: Launcher,
             extra_options: Sequence[str] = (),
             test: bool = True) -> Outcome:
    """Train ``spec`` (or resume it), then test its checkpoints.

    A work dir that holds another run (config, seed or sweep point) fails
    this spec, untouched.
    """
    state = read_state(spec.work_dir)
    clash = other_run(spec, state)
    if clash:
        return Outcome(spec, 'failed', clash)
    if state.get('status') == 'done':
        return Outcome(spec, 'skipped', 'finished before')
    os.makedirs(spec.work_dir, exist_ok=True)
    options = spec.cfg_options + list(extra_options)
    resume = osp.exists(osp.join(spec.work_dir, 'last_checkpoint'))
    train_cmd = launcher.train(spec, resume, options)
    state.update(
        model=spec.model, config=spec.config, seed=spec.seed,
        overrides=dict(spec.overrides), options=list(extra_options),
        launcher=launcher.name,
        world_size=launcher.world_size, status='running',
        commands=dict(state.get('commands', {}), train=train_cmd))
    state.setdefault('wall_seconds', 0.0)
    _write_state(spec.work_dir, state)
    log = osp.join(spec.work_dir, 'benchmark_train.log')
    env = launcher.environment()
    start = time.time()
    code = _run(train_cmd, log, env)
    state['wall_seconds'] += time.time() - start
    state['resumed'] = state.get('resumed', 0) + int(resume)
    if code != 0:
        state.update(status='failed', returncode=code)
        _write_state(spec.work_dir, state)
        return Outcome(spec, 'failed', log_tail(log))
    if test:
        checkpoints = _checkpoints(spec.work_dir)
        if _step(checkpoints.get('best')) == _step(checkpoints.get('last')):
            # The best epoch is the last: the same weights, one test.
            checkpoints.pop('best', None)
            state['best_is_last'] = True
        for kind, checkpoint in sorted(checkpoints.items()):
            test_dir = osp.join(spec.work_dir, f'test_{kind}')
            test_cmd = launcher.test(spec, checkpoint, test_dir, options)
            state['commands'][f'test_{kind}'] = test_cmd
            test_log = osp.join(spec.work_dir, f'benchmark_test_{kind}.log')
            if _run(test_cmd, test_log, env) != 0:
                state.update(status='failed', returncode='test')
                _write_state(spec.work_dir, state)
                return Outcome(spec, 'failed', log_tail(test_log))
    state.update(status='done', returncode=0)
    _write_state(spec.work_dir, state)
    return Outcome(spec, 'done')


def run_all(specs: Sequence[RunSpec],
            launcher: Launcher,
            extra_options: Sequence[str] = (),
            test: bool = True,
            echo=print) -> List[Outcome]:
    """Run every spec in turn; a failure does not stop the others."""
    outcomes = []
    for index, spec in enumerate(specs, 1):
        echo(f'[{index}/{len(specs)}] {spec.model} seed {spec.seed}'
             f'{" " + spec.point if spec.point else ""} -> {spec.work_dir}')
        outcome = run_spec(spec, launcher, extra_options, test)
        echo(f'    {outcome.status}')
        outcomes.append(outcome)
    return outcomes


def summary(outcomes: Sequence[Outcome]) -> str:
    """Counts, and each failed run with the tail of its log."""
    counts = {s: sum(o.status == s for o in outcomes)
              for s in ('done', 'skipped', 'failed')}
    lines = [', '.join(f'{n} {s}' for s, n in counts.items())]
    for outcome in outcomes:
        if outcome.status == 'failed':
            lines.append(f'FAILED {outcome.spec.work_dir}:\n'
                         f'{outcome.detail.rstrip()}')
    return '\n'.join(lines)
