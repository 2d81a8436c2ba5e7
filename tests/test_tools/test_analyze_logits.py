# Copyright (c) zkd_mm contributors. All rights reserved.
"""tools/analysis_tools/analyze_logits.py on a really trained checkpoint.

The KD + Z-score ImageNet config trains 2 iterations on the tiny ImageNet;
the tool's JSON is then checked against logits that the test recomputes
with its own code: the whole distillation checkpoint loaded strictly into
the algorithm, logits read by hooks on both ``head.fc`` layers in predict
mode, statistics in float64 numpy.
"""
import argparse
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from tests.imagenet_distill_cli import run_train, tiny_options
from tests.subprocess_utils import REPO_ROOT

import zkd_mm  # noqa: F401  isort: skip
from mmrazor.registry import MODELS  # isort: skip

CONFIG = (REPO_ROOT / 'configs' / 'imagenet' /
          'kd-zscore_resnet34_resnet18_8xb64_in1k.py')
TOOL = REPO_ROOT / 'tools' / 'analysis_tools' / 'analyze_logits.py'
CONVERTER = (
    REPO_ROOT / 'tools' / 'model_converters' / 'convert_kd_ckpt_to_student.py')
TAU = 2.0


def load_script(path):
    """Import a tools/ script as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_options(options):
    parser = argparse.ArgumentParser()
    parser.add_argument('--options', nargs='+', action=DictAction)
    return parser.parse_args(['--options', *options]).options


def np_zscore(x):
    mean = x.mean(1, keepdims=True)
    return (x - mean) / (x.std(1, ddof=1, keepdims=True) + 1e-7)


def np_kd(student, teacher, tau=TAU):

    def log_softmax(x):
        x = x - x.max(1, keepdims=True)
        return x - np.log(np.exp(x).sum(1, keepdims=True))

    log_p, log_q = log_softmax(teacher / tau), log_softmax(student / tau)
    return float((np.exp(log_p) * (log_p - log_q)).sum(1).mean() * tau**2)


def recompute_logits(options, checkpoint):
    """Student and teacher logits and labels, computed independently."""
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict(parse_options(options))
    with DefaultScope.overwrite_default_scope('mmrazor'):
        model = MODELS.build(cfg.model)
    state = torch.load(checkpoint, map_location='cpu')['state_dict']
    model.load_state_dict(state, strict=True)
    model.eval()
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        loader = Runner.build_dataloader(cfg.val_dataloader)
    records = {'student': [], 'teacher': []}
    hooks = [
        model.architecture.head.fc.register_forward_hook(
            lambda m, i, o: records['student'].append(o)),
        model.teacher.head.fc.register_forward_hook(
            lambda m, i, o: records['teacher'].append(o)),
    ]
    labels, predictions = [], {'student': [], 'teacher': []}
    with torch.no_grad():
        for data in loader:
            data = model.data_preprocessor(data, False)
            # predict mode writes pred_label into the data samples.
            for side, net in (('student', model.architecture),
                              ('teacher', model.teacher)):
                samples = net(
                    data['inputs'], data['data_samples'], mode='predict')
                predictions[side] += [int(s.pred_label) for s in samples]
            labels += [int(s.gt_label) for s in samples]
    for hook in hooks:
        hook.remove()
    student = torch.cat(records['student']).double().numpy()
    teacher = torch.cat(records['teacher']).double().numpy()
    assert predictions['student'] == student.argmax(1).tolist()
    assert predictions['teacher'] == teacher.argmax(1).tolist()
    return student, teacher, np.array(labels)


def check_against(stats, student, teacher, labels):
    """Compare the tool's statistics with float64 numpy ones."""
    assert stats['num_samples'] == len(labels)
    assert stats['num_classes'] == student.shape[1] == 1000
    assert stats['tau'] == TAU
    for side, logits in (('student', student), ('teacher', teacher)):
        mean, std = logits.mean(1), logits.std(1, ddof=1)
        got = stats[side]
        assert got['logit_mean']['mean'] == pytest.approx(
            mean.mean(), rel=1e-4, abs=1e-6)
        assert got['logit_mean']['max'] == pytest.approx(
            mean.max(), rel=1e-4, abs=1e-6)
        assert got['logit_std']['mean'] == pytest.approx(std.mean(), rel=1e-5)
        assert got['logit_std']['min'] == pytest.approx(std.min(), rel=1e-5)
        assert got['logit_std']['median'] == pytest.approx(
            np.median(std), rel=1e-5)
        accuracy = 100 * (logits.argmax(1) == labels).mean()
        assert got['top1_accuracy'] == pytest.approx(accuracy)
    agree = int((student.argmax(1) == teacher.argmax(1)).sum())
    assert stats['top1_agreement_count'] == agree
    assert stats['top1_agreement'] == pytest.approx(100 * agree / len(labels))
    assert stats['kd_kl'] == pytest.approx(np_kd(student, teacher), rel=1e-4)
    assert stats['zscore_kl'] == pytest.approx(
        np_kd(np_zscore(student), np_zscore(teacher)), rel=1e-4)
    # Two different random networks: neither KL is trivially 0.
    assert stats['kd_kl'] > 1e-4 and stats['zscore_kl'] > 1e-4


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    import matplotlib.image
    height, width = matplotlib.image.imread(str(path)).shape[:2]
    assert height > 100 and width > 100


@pytest.fixture(scope='module')
def trained(tiny_imagenet, r34_teacher_ckpt, tmp_path_factory):
    """2 iterations of KD + Z-score; the checkpoint and recomputed logits."""
    work_dir = tmp_path_factory.mktemp('kd_zscore')
    options = tiny_options(tiny_imagenet, r34_teacher_ckpt)
    result = run_train(CONFIG, work_dir, options)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    checkpoint = work_dir / 'epoch_1.pth'
    return dict(
        options=options,
        checkpoint=checkpoint,
        logits=recompute_logits(options, checkpoint))


def test_cli_on_distillation_checkpoint(trained, tmp_path):
    out_dir = tmp_path / 'analysis'
    result = subprocess.run([
        sys.executable,
        str(TOOL),
        str(CONFIG),
        str(trained['checkpoint']), '--out-dir',
        str(out_dir), '--tau',
        str(TAU), '--cfg-options', *trained['options']
    ],
                            cwd=REPO_ROOT,
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    stats = json.loads((out_dir / 'logit_stats.json').read_text())
    assert stats['checkpoint_kind'] == 'distillation'
    check_against(stats, *trained['logits'])
    assert '| top-1 agreement (%) |' in result.stdout
    # The checkpoint's frozen teacher is the config's teacher_ckpt.
    assert 'differ from the teacher_ckpt' not in result.stdout
    assert f"| Z-score KL (tau=2) | {stats['zscore_kl']:.6f} |" in (
        result.stdout)
    for name in ('logit_std_hist.png', 'logit_hist2d.png'):
        assert_png(out_dir / name)
    assert stats['figures']['logit_hist2d'] == str(out_dir /
                                                   'logit_hist2d.png')


def test_student_only_checkpoint_and_max_samples(trained, tmp_path, capsys):
    student_ckpt = tmp_path / 'student.pth'
    load_script(CONVERTER).main(
        [str(trained['checkpoint']), '--out-path',
         str(student_ckpt)])
    load_script(TOOL).main([
        str(CONFIG),
        str(student_ckpt), '--out-dir',
        str(tmp_path), '--max-samples', '3', '--device', 'cpu',
        '--cfg-options', *trained['options']
    ])
    stats = json.loads((tmp_path / 'logit_stats.json').read_text())
    assert stats['checkpoint_kind'] == 'student'
    student, teacher, labels = trained['logits']
    check_against(stats, student[:3], teacher[:3], labels[:3])
    assert '3 samples, 1000 classes' in capsys.readouterr().out


def test_warns_when_the_checkpoint_has_another_teacher(trained, tmp_path):
    checkpoint = torch.load(trained['checkpoint'], map_location='cpu')
    checkpoint['state_dict']['teacher.head.fc.bias'] += 1
    changed = tmp_path / 'changed_teacher.pth'
    torch.save(checkpoint, changed)
    tool = load_script(TOOL)
    messages = []
    tool.print_log = lambda message, **kwargs: messages.append(message)
    tool.main([
        str(CONFIG),
        str(changed), '--out-dir',
        str(tmp_path), '--max-samples', '1', '--cfg-options',
        *trained['options']
    ])
    assert len(messages) == 1
    assert messages[0].startswith(f'1 teacher tensors of {changed} differ')
    assert '(e.g. head.fc.bias)' in messages[0]
    stats = json.loads((tmp_path / 'logit_stats.json').read_text())
    student, teacher, labels = trained['logits']
    check_against(stats, student[:1], teacher[:1], labels[:1])


def test_checkpoint_of_another_model_is_rejected(trained, r34_teacher_ckpt,
                                                 tmp_path):
    with pytest.raises(SystemExit, match='does not fit the student'):
        load_script(TOOL).main([
            str(CONFIG),
            str(r34_teacher_ckpt), '--out-dir',
            str(tmp_path), '--cfg-options', *trained['options']
        ])
    assert not (tmp_path / 'logit_stats.json').exists()


def test_split_checkpoint_detects_the_kind():
    split = load_script(TOOL).split_checkpoint
    weight = torch.zeros(1)
    kind, student, teacher = split({
        'module.architecture.head.fc.weight': weight,
        'module.teacher.head.fc.weight': weight + 1,
        'module.distiller.x': weight
    })
    assert kind == 'distillation'
    assert list(student) == ['head.fc.weight']
    assert teacher['head.fc.weight'].item() == 1
    kind, student, teacher = split({'head.fc.weight': weight})
    assert kind == 'student' and teacher is None
    assert list(student) == ['head.fc.weight']
