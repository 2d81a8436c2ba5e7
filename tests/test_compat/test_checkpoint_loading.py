# Copyright (c) zkd_mm contributors. All rights reserved.
"""mmengine checkpoints load on torch >= 2.6 without any env variable."""
import numpy as np
import pytest
import torch
from mmengine.utils import digit_version

from tests.subprocess_utils import assert_ok, run_python
from tests.toy_runner import toy_runner

WEIGHTS_ONLY_DEFAULT = (
    digit_version(torch.__version__) >= digit_version('2.6.0'))


@pytest.fixture(scope='module')
def runner_checkpoint(tmp_path_factory):
    """A real Runner-saved ``epoch_1.pth`` (holds HistoryBuffer)."""
    work_dir = tmp_path_factory.mktemp('runner')
    toy_runner(str(work_dir)).train()
    path = work_dir / 'epoch_1.pth'
    assert path.exists()
    return path


@pytest.fixture(scope='module')
def numpy_meta_checkpoint(tmp_path_factory):
    """An mmpretrain-style checkpoint dict with numpy scalars in meta."""
    path = tmp_path_factory.mktemp('ckpt') / 'numpy_meta.pth'
    torch.manual_seed(0)
    state = {'linear.weight': torch.randn(1, 4), 'linear.bias': torch.zeros(1)}
    torch.save(
        {
            'meta': {
                'seed': np.int64(7),
                'best_acc': np.float64(0.5),
                'epoch': 3,
                'hist': np.arange(3.0)
            },
            'state_dict': state
        }, path)
    return path, state


LOAD_WITH_MMENGINE = """
import torch
{prelude}
from mmengine.runner import load_checkpoint
from tests.toy_runner import ToyRegressor
model = ToyRegressor()
ckpt = load_checkpoint(model, {path!r}, map_location='cpu', strict=True)
seed = ckpt['meta'].get('seed')
print('META', seed, type(seed).__name__)
print('WEIGHT', model.linear.weight.flatten().tolist())
"""


@pytest.mark.skipif(not WEIGHTS_ONLY_DEFAULT, reason='torch < 2.6')
def test_numpy_meta_checkpoint_fails_without_zkd_mm(numpy_meta_checkpoint):
    path, _ = numpy_meta_checkpoint
    result = run_python(LOAD_WITH_MMENGINE.format(prelude='', path=str(path)))
    assert result.returncode != 0
    assert 'Weights only load failed' in result.stderr


def test_numpy_meta_checkpoint_loads_with_zkd_mm(numpy_meta_checkpoint):
    path, state = numpy_meta_checkpoint
    out = assert_ok(
        run_python(
            LOAD_WITH_MMENGINE.format(prelude='import zkd_mm',
                                      path=str(path))))
    assert 'META 7 int64' in out
    assert f"WEIGHT {state['linear.weight'].flatten().tolist()}" in out


@pytest.mark.skipif(not WEIGHTS_ONLY_DEFAULT, reason='torch < 2.6')
def test_runner_checkpoint_fails_without_zkd_mm(runner_checkpoint):
    result = run_python(
        f'import torch; torch.load({str(runner_checkpoint)!r})')
    assert result.returncode != 0
    assert 'Weights only load failed' in result.stderr


def test_runner_checkpoint_loads_weights_only(runner_checkpoint):
    out = assert_ok(
        run_python(f"""
        import torch, zkd_mm
        from mmengine.logging import HistoryBuffer
        ckpt = torch.load({str(runner_checkpoint)!r}, weights_only=True)
        buffers = ckpt['message_hub']['log_scalars']
        loss = buffers['train/loss']
        assert isinstance(loss, HistoryBuffer), type(loss)
        print('LOSS_COUNT', len(loss.data[0]), 'MEAN', loss.mean())
        print('EPOCH', ckpt['meta']['epoch'])
        """))
    assert 'LOSS_COUNT 2' in out and 'EPOCH 1' in out


def test_runner_resume_from_epoch_checkpoint(runner_checkpoint, tmp_path):
    out = assert_ok(
        run_python(f"""
        import zkd_mm
        from tests.toy_runner import toy_runner
        runner = toy_runner({str(tmp_path)!r}, max_epochs=2, resume=True,
                            load_from={str(runner_checkpoint)!r})
        runner.train()
        print('RESUMED_AT_END', runner.epoch, runner.iter)
        """))
    assert 'RESUMED_AT_END 2 4' in out


def test_allowlist_is_not_blanket(tmp_path):
    """Globals outside the allowlist, and other getattr uses, still fail."""
    out = assert_ok(
        run_python(f"""
        import os, pickle, torch, zkd_mm
        from mmengine.logging import HistoryBuffer

        class Evil:
            def __reduce__(self):
                return (getattr, (HistoryBuffer, 'update'))

        for name, obj in [('evil', Evil()),
                          ('os_getcwd', os.getcwd)]:
            path = {str(tmp_path)!r} + f'/{{name}}.pth'
            torch.save({{'x': obj}}, path)
            try:
                torch.load(path)
                print(name, 'LOADED')
            except pickle.UnpicklingError as err:
                print(name, 'REFUSED', 'only HistoryBuffer statistics' in
                      str(err))
        """))
    assert 'evil REFUSED True' in out
    assert 'os_getcwd REFUSED False' in out
