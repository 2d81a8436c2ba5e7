# Copyright (c) zkd_mm contributors. All rights reserved.
"""``tools/benchmark/gather.py`` on work dirs with known numbers.

The runs are written the way ``tools/benchmark/run.py`` and mmengine write
them (``benchmark.json``, one ``scalars.json`` per attempt, the test
results, the dumped config); gather must give exactly the expected means,
sample stds, metafile entries and README table.
"""
import csv
import json
import statistics
from pathlib import Path

import pytest
import yaml

from tests.subprocess_utils import REPO_ROOT, assert_ok, run_python

MODEL = 'kd-zscore_pair_1xb16_toy'
OTHER = 'kd_pair_1xb16_toy'
# seed -> (validation top-1 per epoch, test top-1 last, test top-1 best)
RUNS = {
    MODEL: {0: ([50.0, 70.0, 65.0], 64.0, 69.0),
            1: ([52.0, 66.0, 68.0], 67.5, 67.0),
            2: ([49.0, 71.0, 70.0], 70.5, 70.2)},
    OTHER: {0: ([40.0, 45.0, 47.0], 46.0, 46.0)},
}


def _write_run(root: Path, model: str, seed: int, vals, test_last,
               test_best, resumed: bool = False) -> Path:
    work = root / model / f'seed{seed}'
    # Two attempts (a resume after epoch 1): each writes its own scalars.
    attempts = [vals[:1], vals[1:]] if resumed else [vals]
    epoch = 0
    for index, chunk in enumerate(attempts):
        vis = work / f'2026120{index}_000000' / 'vis_data'
        vis.mkdir(parents=True)
        lines = []
        for value in chunk:
            epoch += 1
            lines.append(dict(lr=0.1, loss=1.0, epoch=epoch, iter=epoch * 4,
                              step=epoch * 4))
            lines.append({'accuracy/top1': value,
                          'teacher.accuracy/top1': 90.0, 'step': epoch})
        (vis / 'scalars.json').write_text(
            ''.join(json.dumps(line) + '\n' for line in lines))
    for kind, value in (('last', test_last), ('best', test_best)):
        out = work / f'test_{kind}' / '20261203_000000'
        out.mkdir(parents=True)
        (out / '20261203_000000.json').write_text(
            json.dumps({'accuracy/top1': value}))
    (work / f'{model}.py').write_text(
        'train_cfg = dict(max_epochs=3)\n'
        'train_dataloader = dict(batch_size=16)\n')
    (work / 'benchmark.json').write_text(json.dumps(dict(
        model=model, config=f'configs/{model}.py', seed=seed, overrides={},
        launcher='none', world_size=1, status='done', returncode=0,
        wall_seconds=100.0 + seed,
        commands=dict(train=['python', 'tools/train.py', f'{model}.py']))))
    return work


@pytest.fixture
def zoo(tmp_path):
    """Runs, a model index with one metafile, and a README with markers."""
    runs = tmp_path / 'runs'
    for model, seeds in RUNS.items():
        for seed, (vals, last, best) in seeds.items():
            _write_run(runs, model, seed, vals, last, best,
                       resumed=(seed == 1))
    # An unfinished run is not gathered.
    _write_run(runs, MODEL, 9, [1.0], 1.0, 1.0)
    state = runs / MODEL / 'seed9' / 'benchmark.json'
    state.write_text(state.read_text().replace('"done"', '"running"'))
    (tmp_path / 'configs').mkdir()
    metafile = {
        'Collections': [{'Name': 'Toy', 'README': 'README.md'}],
        'Models': [{'Name': name, 'In Collection': 'Toy',
                    'Metadata': {'Method': method, 'Training Data': 'Toy',
                                 'Paper Top 1 Accuracy': paper},
                    'Config': f'configs/{name}.py'}
                   for name, method, paper in (
                       (MODEL, 'KD + Z-score', 71.4), (OTHER, 'KD', 70.1),
                       ('dkd_pair_1xb16_toy', 'DKD', 71.9))]}
    (tmp_path / 'metafile.yml').write_text(yaml.safe_dump(metafile))
    (tmp_path / 'model-index.yml').write_text('Import:\n  - metafile.yml\n')
    (tmp_path / 'README.md').write_text(
        '# Toy\n\n<!-- benchmark:toy -->\nold table\n<!-- benchmark:end -->'
        '\n\nAfter.\n')
    return tmp_path, runs


def _gather(root: Path, *args: str) -> str:
    return assert_ok(run_python(f"""
        import sys, runpy
        sys.argv = ['gather.py', *{list(args)!r}]
        try:
            runpy.run_path({str(REPO_ROOT / 'tools/benchmark/gather.py')!r},
                           run_name='__main__')
        except SystemExit as stop:
            print('EXIT', stop.code)
        """, cwd=root))


def test_metafile_readme_and_summary(zoo):
    root, runs = zoo
    out = _gather(root, '--work-root', str(runs), '--out', 'summary',
                  '--update-metafiles', '--update-readme', 'README.md:toy',
                  '--command', 'python tools/benchmark/run.py TOY')
    assert 'EXIT 0' in out
    lasts = [RUNS[MODEL][s][1] for s in (0, 1, 2)]
    bests = [RUNS[MODEL][s][2] for s in (0, 1, 2)]
    data = yaml.safe_load(open(root / 'metafile.yml'))
    models = {m['Name']: m for m in data['Models']}
    (result, ) = models[MODEL]['Results']
    assert result == {
        'Task': 'Image Classification',
        'Dataset': 'Toy',
        'Metrics': {
            'Top 1 Accuracy': round(statistics.fmean(lasts), 2),
            'Top 1 Accuracy Std': round(statistics.stdev(lasts), 2),
            'Top 1 Accuracy Best Epoch': round(statistics.fmean(bests), 2),
            'Runs': 3,
            'Seeds': '0,1,2',
            'Split': 'test; best epoch chosen on the validation split'
        }
    }
    assert models[OTHER]['Results'][0]['Metrics']['Top 1 Accuracy'] == 46.0
    assert 'Top 1 Accuracy Std' not in models[OTHER]['Results'][0]['Metrics']
    assert 'Results' not in models['dkd_pair_1xb16_toy']  # nothing run

    readme = (root / 'README.md').read_text()
    mean, std = statistics.fmean(lasts), statistics.stdev(lasts)
    best_mean, best_std = statistics.fmean(bests), statistics.stdev(bests)
    assert readme == (
        '# Toy\n\n<!-- benchmark:toy -->\n'
        '| model | method | paper top-1 (not ours) | top-1, last epoch '
        '(mean ± std) | top-1, best epoch | seeds |\n'
        '| --- | --- | --- | --- | --- | --- |\n'
        f'| [{MODEL}](/configs/{MODEL}.py) | KD + Z-score | 71.4 | '
        f'{mean:.2f} ± {std:.2f} | {best_mean:.2f} ± {best_std:.2f} | '
        '0,1,2 |\n'
        f'| [{OTHER}](/configs/{OTHER}.py) | KD | 70.1 | 46.00 (n=1) | '
        '46.00 (n=1) | 0 |\n'
        '| [dkd_pair_1xb16_toy](/configs/dkd_pair_1xb16_toy.py) | DKD | 71.9 '
        '| – | – | – |\n\n'
        'Produced by `python tools/benchmark/run.py TOY`.\n'
        '<!-- benchmark:end -->\n\nAfter.\n')

    rows = list(csv.DictReader(open(root / 'summary' / 'summary.csv')))
    seed1 = next(r for r in rows if r['model'] == MODEL and r['seed'] == '1')
    # Both attempts' scalars: epochs 1 (first attempt) to 3 (the resume).
    assert seed1['val_last'] == '68.0' and seed1['val_best'] == '68.0'
    assert seed1['best_epoch'] == '3' and seed1['epochs'] == '3'
    assert seed1['total_batch'] == '16' and seed1['test_last'] == '67.5'
    seed0 = next(r for r in rows if r['model'] == MODEL and r['seed'] == '0')
    assert seed0['best_epoch'] == '2' and seed0['val_best'] == '70.0'
    assert seed0['teacher_val_last'] == '90.0'
    assert len(rows) == 4  # the unfinished seed 9 is left out
    summary = json.load(open(root / 'summary' / 'summary.json'))
    (model, ) = [m for m in summary['models'] if m['model'] == MODEL]
    assert model['seeds'] == [0, 1, 2] and model['tested'] is True
    assert model['last']['n'] == 3
    assert (root / 'summary' / 'models.png').stat().st_size > 1000


def test_previous_summary_keeps_the_models_not_rerun(zoo):
    root, runs = zoo
    _gather(root, '--work-root', str(runs), '--out', 'first',
            '--update-readme', 'README.md:toy', '--command', 'TOY')
    first_readme = (root / 'README.md').read_text()
    first = json.load(open(root / 'first' / 'summary.json'))
    # A later benchmark reruns only OTHER, with new numbers.
    later = root / 'later'
    _write_run(later, OTHER, 0, [40.0, 45.0, 50.0], 49.0, 49.0)
    _write_run(later, OTHER, 1, [41.0, 46.0, 51.0], 51.0, 51.0)
    _gather(root, '--work-root', str(later), '--previous',
            'first/summary.json', '--out', 'second', '--update-metafiles',
            '--update-readme', 'README.md:toy', '--command', 'TOY')
    second = json.load(open(root / 'second' / 'summary.json'))
    by_model = {m['model']: m for m in second['models']}
    kept = next(m for m in first['models'] if m['model'] == MODEL)
    assert by_model[MODEL] == kept  # numbers and commands as before
    assert [r for r in second['runs'] if r['model'] == MODEL] == [
        r for r in first['runs'] if r['model'] == MODEL]
    assert by_model[OTHER]['seeds'] == [0, 1]
    assert by_model[OTHER]['last']['mean'] == 50.0
    readme = (root / 'README.md').read_text()
    model_row = next(line for line in first_readme.splitlines()
                     if line.startswith(f'| [{MODEL}]'))
    assert model_row in readme.splitlines()
    assert f'| [{OTHER}](/configs/{OTHER}.py) | KD | 70.1 | 50.00 ± 1.41 | ' \
        '50.00 ± 1.41 | 0,1 |' in readme.splitlines()
    data = yaml.safe_load(open(root / 'metafile.yml'))
    metrics = {m['Name']: m['Results'][0]['Metrics']
               for m in data['Models'] if 'Results' in m}
    assert metrics[MODEL]['Top 1 Accuracy'] == round(
        statistics.fmean(RUNS[MODEL][s][1] for s in (0, 1, 2)), 2)
    assert metrics[OTHER]['Top 1 Accuracy'] == 50.0


def test_a_summary_needs_no_model_index(zoo):
    root, runs = zoo
    elsewhere = root / 'elsewhere'
    elsewhere.mkdir()
    out = _gather(elsewhere, '--work-root', str(runs), '--out', 'summary')
    assert 'EXIT 0' in out
    rows = list(csv.DictReader(open(elsewhere / 'summary' / 'summary.csv')))
    assert len(rows) == 4
    result = run_python(f"""
        import runpy, sys
        sys.argv = ['gather.py', '--work-root', {str(runs)!r},
                    '--update-metafiles']
        runpy.run_path({str(REPO_ROOT / 'tools/benchmark/gather.py')!r},
                       run_name='__main__')
        """, cwd=elsewhere)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        'error: model-index.yml not found; run from the repository root '
        'or pass --model-index')


def test_check_passes_within_and_fails_beyond_the_tolerance(zoo):
    root, runs = zoo
    _gather(root, '--work-root', str(runs), '--update-metafiles')
    assert 'EXIT 0' in _gather(root, '--work-root', str(runs), '--check')
    # A new run of seed 0 that lost 10 points moves the mean by 3.3 points,
    # more than 2 stored stds (the stored std is 3.25).
    _write_run(runs / 'moved', MODEL, 0, [1.0, 2.0, 3.0], 64.0 - 10, 60.0)
    for seed in (1, 2):
        vals, last, best = RUNS[MODEL][seed]
        _write_run(runs / 'moved', MODEL, seed, vals, last, best)
    out = _gather(root, '--work-root', str(runs / 'moved'), '--check',
                  '--tolerance', '1')
    assert 'EXIT 1' in out
    assert f'{MODEL}: ' in out and 'moved' in out


def test_sweep_table_and_heat_map(tmp_path):
    runs = tmp_path / 'runs'
    values = {('4.0', '0.05'): 60.0, ('4.0', '0.1'): 62.0,
              ('16.0', '0.05'): 65.0, ('16.0', '0.1'): 61.5}
    for (tau, lr), value in values.items():
        point = f'tau={tau},lr={lr}'
        work = _write_run(runs / MODEL / 'sweep' / point, '', 10,
                          [value], value, value)
        state = json.loads((work / 'benchmark.json').read_text())
        state.update(model=MODEL, overrides={'m.loss.tau': tau,
                                             'optim.lr': lr})
        (work / 'benchmark.json').write_text(json.dumps(state))
    # Another model's sweep in the same work root stays out of the table.
    other = _write_run(runs / 'other' / 'sweep' / 'w=1,lr=0.1', '', 10,
                       [10.0], 10.0, 10.0)
    state = json.loads((other / 'benchmark.json').read_text())
    state.update(model='other', overrides={'m.loss.w': '1', 'optim.lr': '0.1'})
    (other / 'benchmark.json').write_text(json.dumps(state))
    (tmp_path / 'model-index.yml').write_text('Import: []\n')
    out = _gather(tmp_path, '--work-root', str(runs), '--out', 'out',
                  '--sweep', MODEL)
    assert 'EXIT 0' in out
    assert (tmp_path / 'out' / f'{MODEL}.md').read_text() == (
        '| tau \\ lr | 0.05 | 0.1 |\n| --- | --- | --- |\n'
        '| 4.0 | 60.00 (n=1) | 62.00 (n=1) |\n'  # in numeric order
        '| 16.0 | 65.00 (n=1) | 61.50 (n=1) |\n')
    assert (tmp_path / 'out' / f'{MODEL}.png').stat().st_size > 1000
    out = _gather(tmp_path, '--work-root', str(runs), '--out', 'out',
                  '--sweep', 'nothing')
    assert "error: no sweep of nothing under" in out
    assert f"swept: ['{MODEL}', 'other']" in out


def test_a_one_key_sweep_of_tied_keys_is_one_column(tmp_path):
    """MLKD's three loss weights swept as one axis (KEY1+KEY2=V1,V2)."""
    runs = tmp_path / 'runs'
    tied = 'm.loss_a.loss_weight+m.loss_b.loss_weight'
    for weight, value in (('0.3', 71.0), ('0.1', 73.5), ('1.0', 20.0)):
        work = _write_run(runs / MODEL / 'sweep' / f'loss_weight={weight}',
                          '', 10, [value], value, value)
        state = json.loads((work / 'benchmark.json').read_text())
        state.update(model=MODEL, overrides={tied: weight})
        (work / 'benchmark.json').write_text(json.dumps(state))
    (tmp_path / 'model-index.yml').write_text('Import: []\n')
    out = _gather(tmp_path, '--work-root', str(runs), '--out', 'out',
                  '--sweep', MODEL)
    assert 'EXIT 0' in out
    assert (tmp_path / 'out' / f'{MODEL}.md').read_text() == (
        '| loss_weight | top-1 |\n| --- | --- |\n'
        '| 0.1 | 73.50 (n=1) |\n| 0.3 | 71.00 (n=1) |\n'
        '| 1.0 | 20.00 (n=1) |\n')
    assert (tmp_path / 'out' / f'{MODEL}.png').stat().st_size > 1000
