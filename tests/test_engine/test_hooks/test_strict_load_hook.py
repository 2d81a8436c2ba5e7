# Copyright (c) zkd_mm contributors. All rights reserved.
"""Resume and test checkpoints must fit the model; the teacher comes along.

Seen before: ``--resume`` with a checkpoint whose student keys were
dropped, renamed or of other shapes logged ``resumed epoch: 2``, trained
with rc 0 and a freshly initialized student; ``tools/test.py`` with a
converted student and the distillation config reported ``accuracy/top1:
0.0000`` and exited 0. Now each is an error naming the keys and the config
that fits. Resuming after the teacher checkpoint file was moved works, as
the Runner checkpoint holds the teacher.
"""
import shutil

import pytest
import torch

from tests import fmnist_tool_runs as runs
from tests.test_tools.tool_runner import (assert_tool_ok, output_of,
                                          python_tool)

STUDENT_KEY = 'architecture.backbone.features.0.weight'


@pytest.fixture(scope='module')
def one_epoch(fashion_mnist_root, tmp_path_factory):
    """A finished 1-epoch run whose teacher checkpoint is then removed."""
    work_dir = tmp_path_factory.mktemp('one_epoch')
    teacher = work_dir.parent / 'moved_teacher.pth'
    shutil.copy(runs.REPO_ROOT / 'checkpoints' / 'fashion_mnist' /
                'teacher_resnet18-w8_fmnist.pth', teacher)
    assert_tool_ok(
        runs.run(
            runs.train_cmd(
                work_dir,
                runs.options(fashion_mnist_root, 1,
                             extra=[f'model.teacher_ckpt={teacher}']))))
    teacher.unlink()
    return work_dir, teacher


def _edited(path, out, edit):
    checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    edit(checkpoint['state_dict'])
    torch.save(checkpoint, out)
    return out


EDITS = {
    'dropped': (lambda sd: sd.pop(STUDENT_KEY), '1 are missing'),
    'renamed': (lambda sd: sd.__setitem__('architecture.renamed.weight',
                                          sd.pop(STUDENT_KEY)),
                '1 are unexpected (architecture.renamed.weight)'),
    'reshaped': (lambda sd: sd.__setitem__(STUDENT_KEY,
                                           torch.zeros(3, 1, 1, 1)),
                 '1 have other shapes'),
}


@pytest.mark.parametrize('kind', sorted(EDITS))
def test_resume_with_a_mismatched_checkpoint_is_an_error(
        fashion_mnist_root, one_epoch, kind, tmp_path):
    work_dir, _ = one_epoch
    edit, problem = EDITS[kind]
    bad = _edited(work_dir / 'epoch_1.pth', tmp_path / 'bad.pth', edit)
    result = runs.run(
        runs.train_cmd(tmp_path / 'work',
                       runs.options(fashion_mnist_root, 2), '--resume',
                       str(bad)))
    log = output_of(result)
    assert result.returncode != 0
    assert f'Checkpoint {bad} does not fit the model of this config: ' in log
    assert problem in log
    assert 'resumed epoch' not in log


def test_resume_after_the_teacher_file_was_moved(fashion_mnist_root,
                                                 one_epoch, tmp_path):
    work_dir, teacher = one_epoch
    resumed = tmp_path / 'resumed'
    shutil.copytree(work_dir, resumed)
    (resumed / 'last_checkpoint').write_text(str(resumed / 'epoch_1.pth'))
    log = assert_tool_ok(
        runs.run(
            runs.train_cmd(
                resumed,
                runs.options(fashion_mnist_root, 2,
                             extra=[f'model.teacher_ckpt={teacher}']),
                '--resume')))
    assert not teacher.exists()
    assert (f"the teacher's weights are loaded from {resumed / 'epoch_1.pth'}"
            in log)
    assert 'resumed epoch: 1' in log and 'teacher.accuracy/top1' in log


def test_test_py_with_a_converted_student_names_the_fitting_config(
        fashion_mnist_root, one_epoch, tmp_path):
    work_dir, _ = one_epoch
    student = tmp_path / 'student.pth'
    assert_tool_ok(
        runs.run(
            python_tool('model_converters/convert_kd_ckpt_to_student.py',
                        str(work_dir / 'epoch_1.pth'), '--out-path',
                        str(student))))
    result = runs.run(
        python_tool('test.py', str(runs.CONFIG), str(student), '--work-dir',
                    str(tmp_path / 'test'), '--cfg-options',
                    *runs.options(fashion_mnist_root, 1)))
    log = output_of(result)
    assert result.returncode != 0
    assert 'it is a student-only checkpoint' in log
    assert 'config of the student alone' in log
    assert 'accuracy/top1' not in log

    # With the student's own config, the same file tests as it should.
    student_config = (runs.REPO_ROOT / 'configs' / 'fashion_mnist' /
                      'lenet5_1xb128_fashion-mnist-10k.py')
    log = assert_tool_ok(
        runs.run(
            python_tool('test.py', str(student_config), str(student),
                        '--work-dir', str(tmp_path / 'test_student'),
                        '--cfg-options',
                        *runs.options(fashion_mnist_root, 1))))
    assert 'accuracy/top1' in log


def test_test_py_takes_the_teacher_from_its_checkpoint_offline(
        fashion_mnist_root, one_epoch, tmp_path):
    """The teacher_ckpt is a URL no one answers (as offline): not read."""
    work_dir, _ = one_epoch
    url = 'http://127.0.0.1:9/resnet34_8xb32_in1k.pth'
    log = assert_tool_ok(
        runs.run(
            python_tool('test.py', str(runs.CONFIG),
                        str(work_dir / 'epoch_1.pth'), '--work-dir',
                        str(tmp_path / 'test'), '--cfg-options',
                        *runs.options(fashion_mnist_root, 1,
                                      extra=[f'model.teacher_ckpt={url}']))))
    assert 'URLError' not in log and 'Downloading' not in log
    assert "the teacher's weights are loaded from" in log
    assert 'randomly initialized' not in log
    assert 'accuracy/top1' in log
