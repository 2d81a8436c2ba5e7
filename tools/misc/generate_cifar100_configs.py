# Copyright (c) zkd_mm contributors. All rights reserved.
"""Write configs/cifar100/: 112 configs, README.md and metafile.yml.

One table (:data:`PAIRS`) holds, for each of the paper's 14 CIFAR-100
teacher/student pairs, the per-pair hyper-parameters and the paper's
numbers. Each pair gets eight configs (vanilla KD, KD + Z-score, vanilla
DKD, DKD + Z-score, KD + CTKD, KD + CTKD + Z-score, vanilla MLKD, MLKD +
Z-score), named ``{method}_{teacher}_{student}_cifar100.py``::

    python tools/misc/generate_cifar100_configs.py          # write
    python tools/misc/generate_cifar100_configs.py --check  # compare only

``tests/test_configs/test_cifar100_configs.py`` checks that the committed
files equal this script's output, so edit the table here, never the files.
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from zkd_mm.models.backbones.mdistiller_names import (MDISTILLER_ARCHS,
                                                      MdistillerArch)

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = Path('configs') / 'cifar100'
LINE_WIDTH = 79


class Model(NamedTuple):
    """A CIFAR-100 model of mdistiller: how configs and the paper name it."""

    mdistiller: str  # mdistiller's name, also the converter's --arch
    token: str  # its field in config names
    label: str  # the paper's abbreviation

    @property
    def arch(self) -> MdistillerArch:
        """Backbone config and head channels, from ``MDISTILLER_ARCHS``."""
        return MDISTILLER_ARCHS[self.mdistiller]


MODELS = {
    model.mdistiller: model
    for model in [
        Model('resnet20', 'resnet20', 'R20'),
        Model('resnet32', 'resnet32', 'R32'),
        Model('resnet56', 'resnet56', 'R56'),
        Model('resnet110', 'resnet110', 'R110'),
        Model('resnet8x4', 'resnet8x4', 'R8x4'),
        Model('resnet32x4', 'resnet32x4', 'R32x4'),
        Model('wrn_16_2', 'wrn-16-2', 'W16-2'),
        Model('wrn_40_1', 'wrn-40-1', 'W40-1'),
        Model('wrn_40_2', 'wrn-40-2', 'W40-2'),
        Model('vgg8', 'vgg8', 'VGG8'),
        Model('vgg13', 'vgg13', 'VGG13'),
        Model('MobileNetV2', 'mobilenet-v2', 'MN-V2'),
        Model('ShuffleV2', 'shufflenet-v2', 'SHN-V2'),
        Model('ResNet50', 'resnet50', 'R50'),
    ]
}

# Students trained with lr 0.01 instead of 0.05 (mdistiller's rule).
SMALL_LR_STUDENTS = ('MobileNetV2', 'ShuffleV1', 'ShuffleV2')


class MLKDPair(NamedTuple):
    """A pair's MLKD settings (Jin et al., CVPR 2023) and paper numbers.

    ``zscore`` is (base tau, KD weight) of MLKD + Z-score, from the names
    of the paper's MLKD logs, and ``zscore_source`` says where it comes
    from. ``lr`` and ``epochs`` are ``SOLVER.LR`` and ``SOLVER.EPOCHS`` of
    the pair's MLKD YAML in the paper's repository (the lr steps stay at
    150/180/210). ``paper`` holds the paper's top-1 (%) of MLKD and of
    MLKD + Z-score.
    """

    zscore: Tuple[float, float]
    zscore_source: str
    lr: float
    epochs: int
    paper: Tuple[float, float]


class Pair(NamedTuple):
    """One teacher/student pair: hyper-parameters and the paper's numbers.

    ``kd_zscore`` is (tau, KD weight) and ``dkd_zscore`` (tau, KD weight,
    BETA) of the paper's log names; DKD + Z-score uses alpha = 1 x weight
    and beta = BETA x weight. ``dkd_beta`` is the BETA of the vanilla DKD
    baseline: the pair's DKD YAML in the paper's repository, mdistiller's
    default 8.0 where that YAML is missing. ``paper`` holds the paper's
    top-1 (%) of the teacher, the student alone, KD, KD + Z-score, DKD,
    DKD + Z-score, KD + CTKD and KD + CTKD + Z-score (Table 2 for
    same-architecture pairs, Table 1 otherwise). ``mlkd`` holds the MLKD
    settings.
    """

    teacher: str
    student: str
    table: int
    kd_zscore: Tuple[float, float]
    dkd_zscore: Tuple[float, float, float]
    dkd_beta: float
    dkd_beta_source: str
    paper: Tuple[float, float, float, float, float, float, float, float]
    mlkd: MLKDPair


_YAML = "the pair's DKD YAML in the paper's repository"
_DEFAULT = ("mdistiller's default; the paper's repository has no DKD YAML "
            'for this pair')
_LOG = "the pair's values in the names of the paper's MLKD logs"
_NO_LOG = ("train.py's defaults --base-temp 2 and --kd-weight 9 in the "
           "paper's repository, which has no MLKD log for this pair")
PAIRS: List[Pair] = [
    # Table 2: same architecture style.
    Pair('resnet32x4', 'resnet8x4', 2, (2, 9), (2, 9, 8), 8, _YAML,
         (79.42, 72.50, 73.33, 76.62, 76.32, 77.01, 73.39, 76.67),
         MLKDPair((2, 9), _LOG, 0.025, 480, (77.08, 78.28))),
    Pair('vgg13', 'vgg8', 2, (3, 9), (2, 15, 2), 6, _YAML,
         (74.64, 70.36, 72.98, 74.36, 74.68, 74.81, 73.52, 74.47),
         MLKDPair((2, 6), _LOG, 0.01, 480, (75.18, 75.22))),
    Pair('wrn_40_2', 'wrn_40_1', 2, (2, 9), (2, 12, 2), 6, _YAML,
         (75.61, 71.98, 73.54, 74.37, 74.81, 74.89, 73.93, 74.58),
         MLKDPair((2, 9), _LOG, 0.025, 480, (75.35, 75.56))),
    Pair('wrn_40_2', 'wrn_16_2', 2, (2, 9), (2, 12, 2), 6, _YAML,
         (75.61, 73.26, 74.92, 76.11, 76.24, 76.39, 75.45, 76.08),
         MLKDPair((2, 9), _LOG, 0.025, 480, (76.63, 76.95))),
    Pair('resnet56', 'resnet20', 2, (2, 9), (3, 18, 2), 2, _YAML,
         (72.34, 69.06, 70.66, 71.43, 71.97, 72.32, 71.19, 71.34),
         MLKDPair((2, 9), _NO_LOG, 0.025, 480, (72.19, 72.33))),
    Pair('resnet110', 'resnet32', 2, (2, 9), (2, 15, 2), 2, _YAML,
         (74.31, 71.14, 73.08, 74.17, 74.11, 74.29, 73.52, 74.01),
         MLKDPair((2, 9), _LOG, 0.025, 480, (74.11, 74.32))),
    Pair('resnet110', 'resnet20', 2, (4, 12), (2, 15, 2), 8, _DEFAULT,
         (74.31, 69.06, 70.67, 71.48, 71.06, 71.85, 70.99, 71.39),
         MLKDPair((2, 9), _LOG, 0.025, 480, (71.89, 72.27))),
    # Table 1: different architectures.
    Pair('resnet32x4', 'ShuffleV2', 1, (2, 9), (2, 9, 8), 8, _YAML,
         (79.42, 71.82, 74.45, 75.56, 77.07, 77.37, 75.37, 76.18),
         MLKDPair((2, 6), _LOG, 0.01, 960, (78.44, 78.76))),
    Pair('resnet32x4', 'wrn_16_2', 1, (3, 9), (2, 9, 2), 8, _DEFAULT,
         (79.42, 73.26, 74.90, 75.26, 75.70, 76.19, 74.57, 75.16),
         MLKDPair((2, 9), _LOG, 0.025, 480, (76.52, 77.53))),
    Pair('resnet32x4', 'wrn_40_2', 1, (3, 9), (2, 9, 8), 8, _DEFAULT,
         (79.42, 75.61, 77.70, 77.92, 78.46, 78.95, 77.66, 77.99),
         MLKDPair((2, 9), _LOG, 0.025, 480, (79.26, 79.66))),
    Pair('wrn_40_2', 'resnet8x4', 1, (2, 9), (2, 18, 2), 8, _DEFAULT,
         (75.61, 72.50, 73.97, 77.11, 75.56, 76.75, 74.61, 77.03),
         MLKDPair((2, 9), _LOG, 0.025, 480, (77.33, 77.68))),
    Pair('wrn_40_2', 'MobileNetV2', 1, (3, 9), (2, 15, 2), 8, _DEFAULT,
         (75.61, 64.60, 68.36, 69.23, 69.28, 70.01, 68.34, 69.53),
         MLKDPair((2, 9), _NO_LOG, 0.005, 480, (70.78, 71.61))),
    Pair('vgg13', 'MobileNetV2', 1, (3, 9), (3, 9, 2), 6, _YAML,
         (74.64, 64.60, 67.37, 68.61, 69.71, 69.98, 68.50, 68.98),
         MLKDPair((2, 6), _LOG, 0.01, 480, (70.57, 70.94))),
    Pair('ResNet50', 'MobileNetV2', 1, (3, 1), (2, 15, 2), 8, _YAML,
         (79.34, 64.60, 67.35, 69.02, 70.35, 70.45, 68.67, 69.36),
         MLKDPair((2, 9), _LOG, 0.01, 480, (71.04, 71.19))),
]

# The vanilla baselines of the paper are the DKD paper's settings.
KD_TAU, KD_WEIGHT, KD_CE = 4.0, 0.9, 0.1
DKD_TAU, DKD_ALPHA, DKD_CE = 4.0, 1.0, 1.0
DKD_WARMUP_EPOCHS = 20
# CTKD (Li et al., AAAI 2023): T = t_start + t_end * sigmoid(theta), in
# (1, 21) from 15.62, trained through a gradient reversal whose factor goes
# from 0 to -1 over 10 epochs (cosine); the same for every pair. The plain
# variant is the CTKD paper's KD + CTKD (its script: CE 0.1, KD weight 0.9),
# whose numbers the paper reports; with Z-score the CTKD script of the
# paper's repository (CE 0.1, KD weight 9).
CTKD_WEIGHT, CTKD_ZSCORE_WEIGHT, CTKD_CE = 0.9, 9.0, 0.1
CTKD_T_START, CTKD_T_END, CTKD_DECAY_LOOPS = 1.0, 20.0, 10
# MLKD (Jin et al., CVPR 2023) sums each level over five temperatures: the
# base tau, then these four. The vanilla baseline uses the defaults of
# MLKD's code (tau 4, KD weight 0.9); CE 0.1 on each view for both.
MLKD_TAU, MLKD_WEIGHT, MLKD_CE = 4.0, 0.9, 0.1
MLKD_EXTRA_TEMPERATURES = (3.0, 5.0, 2.0, 6.0)
DEFAULT_EPOCHS = 240

METHODS = ('kd', 'kd-zscore', 'dkd', 'dkd-zscore', 'ctkd', 'ctkd-zscore',
           'mlkd', 'mlkd-zscore')
METHOD_LABELS = {
    'kd': 'KD',
    'kd-zscore': 'KD + Z-score',
    'dkd': 'DKD',
    'dkd-zscore': 'DKD + Z-score',
    'ctkd': 'KD + CTKD',
    'ctkd-zscore': 'KD + CTKD + Z-score',
    'mlkd': 'MLKD',
    'mlkd-zscore': 'MLKD + Z-score',
}
PAPER_INDEX = {
    'kd': 2,
    'kd-zscore': 3,
    'dkd': 4,
    'dkd-zscore': 5,
    'ctkd': 6,
    'ctkd-zscore': 7
}
TEACHER_CKPT = 'checkpoints/cifar100_teachers/{}.pth'
COLLECTION = 'Logit Standardization (CIFAR-100)'
PAPER_URL = 'https://arxiv.org/abs/2403.01427'
PAPER_TITLE = 'Logit Standardization in Knowledge Distillation'
CODE_URL = 'https://github.com/sunshangquan/logit-standardization-KD'


def config_name(method: str, pair: Pair) -> str:
    """``{method}_{teacher}_{student}_cifar100``, without ``.py``."""
    return (f'{method}_{MODELS[pair.teacher].token}_'
            f'{MODELS[pair.student].token}_cifar100')


def student_lr(pair: Pair) -> float:
    """0.01 for MobileNet/ShuffleNet students, 0.05 otherwise."""
    return 0.01 if pair.student in SMALL_LR_STUDENTS else 0.05


def learning_rate(method: str, pair: Pair) -> float:
    """The lr of ``method`` for ``pair``: MLKD's YAML, else mdistiller's."""
    return pair.mlkd.lr if method.startswith('mlkd') else student_lr(pair)


def max_epochs(method: str, pair: Pair) -> int:
    """480 or 960 epochs for MLKD (its YAML), 240 for the others."""
    return (pair.mlkd.epochs
            if method.startswith('mlkd') else DEFAULT_EPOCHS)


def paper_top1(method: str, pair: Pair) -> float:
    """The paper's top-1 (%) of ``method`` for ``pair``."""
    if method.startswith('mlkd'):
        return pair.mlkd.paper[method == 'mlkd-zscore']
    return pair.paper[PAPER_INDEX[method]]


def _num(value: float) -> str:
    return repr(float(value))


def _fmt(value: Any) -> str:
    return repr(value) if not isinstance(value, float) else _num(value)


def _call(name: str, items: List[Tuple[str, Any]], indent: int) -> str:
    """``name=dict(k=v, ...)`` on one line if it fits, else wrapped."""
    args = ', '.join(f'{k}={_fmt(v)}' for k, v in items)
    one_line = f'{" " * indent}{name}=dict({args}),'
    if len(one_line) <= LINE_WIDTH:
        return one_line
    inner = f'{" " * (indent + 4)}{args}),'
    if len(inner) <= LINE_WIDTH:
        return f'{" " * indent}{name}=dict(\n{inner}'
    lines = [f'{" " * (indent + 4)}{k}={_fmt(v)},' for k, v in items]
    lines[-1] = lines[-1][:-1] + '),'
    return f'{" " * indent}{name}=dict(\n' + '\n'.join(lines)


def _classifier(name: str, model: Model, ce_weight: float) -> str:
    backbone = _call('backbone', list(model.arch.backbone.items()), 8)
    return f"""    {name}=dict(
        _scope_='mmpretrain',
        type='ImageClassifier',
{backbone}
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=100,
            in_channels={model.arch.channels},
            loss=dict(type='CrossEntropyLoss', loss_weight={_num(ce_weight)}),
            topk=(1, 5))),
"""


_FC = """dict(
            fc=dict(type='ModuleOutputs', source='head.fc'))"""
_KD_DISTILLER = """    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders={fc},
        teacher_recorders={fc},
        distill_losses=dict(
{loss}),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))
"""
_DKD_DISTILLER = """    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders={fc},
        distill_losses=dict(
            loss_dkd=dict(
                type='ZScoreDKDLoss',
                tau={tau},
                alpha={alpha},
                beta={beta},
                loss_weight={weight},
                reduction='batchmean',
                standardize={standardize})),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc'),
                gt_labels=dict(
                    recorder='gt_labels', from_student=True, data_idx=1)))))

# DKD's warm-up: the loss weight is scaled by min(epoch / {warmup}, 1).
""" + ("custom_hooks = [dict(type='mmrazor.DistillLossWarmupHook', "
       'warmup_epochs={warmup})]\n')
_CTKD_DISTILLER = """    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders={fc},
        teacher_recorders={fc},
        distill_losses=dict(
            loss_kl=dict(
                type='CTKDLoss',
                standardize={standardize},
                t_start={t_start},
                t_end={t_end},
                loss_weight={weight})),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))

# CTKD's curriculum: the temperature's gradient is multiplied by a factor
# that goes from 0 to -1 over {loops} epochs (cosine). Also logs the
# temperature of every iteration (ctkd_temperature). The temperature is
# trained by the student's SGD, weight decay included, as officially.
custom_hooks = [
    dict(
        type='mmrazor.CTKDCurriculumHook',
        decay_max=0.0,
        decay_min=-1.0,
        decay_loops={loops})
]
"""

_MLKD_LOSSES = """    distiller=dict(
        distill_losses=dict(
            loss_instance=dict(
                temperatures={temperatures},
                standardize={standardize},
                loss_weight={weight}),
            loss_class=dict(
                temperatures={temperatures}, loss_weight={weight}),
            loss_batch=dict(
                temperatures={temperatures}, loss_weight={weight}))))
"""


def _mlkd_distiller(s: Dict[str, Any]) -> str:
    """The settings of MLKD's three losses, over the base's distiller."""
    if s['standardize']:
        zscore = ('Z-score standardizes the instance-level terms only; the '
                  'class- and batch-level terms use the raw logits.')
    else:
        zscore = ('No Z-score (mlkd-zscore applies it to the '
                  'instance-level terms only).')
    comment = _wrap(
        f'{zscore} The rest of the distiller (recorders, views, masks) is '
        'in configs/_base_/mlkd_distiller.py.', indent=4)
    return ('\n'.join(comment) + '\n' +
            _MLKD_LOSSES.format(
                temperatures=repr(s['temperatures']),
                standardize=s['standardize'],
                weight=_num(s['weight'])))


def method_settings(method: str, pair: Pair) -> Dict[str, Any]:
    """Loss type and hyper-parameters of one method for one pair."""
    if method == 'kd':
        return dict(loss='KLDivergence', tau=KD_TAU, weight=KD_WEIGHT,
                    ce=KD_CE)
    if method == 'kd-zscore':
        tau, weight = pair.kd_zscore
        return dict(loss='ZScoreKLDivergence', tau=tau, weight=weight,
                    ce=KD_CE)
    if method == 'dkd':
        return dict(loss='ZScoreDKDLoss', tau=DKD_TAU, alpha=DKD_ALPHA,
                    beta=pair.dkd_beta, weight=1.0, ce=DKD_CE,
                    standardize=False)
    if method.startswith('mlkd'):
        standardize = method == 'mlkd-zscore'
        tau, weight = (pair.mlkd.zscore if standardize else
                       (MLKD_TAU, MLKD_WEIGHT))
        return dict(loss='MLKD', standardize=standardize, tau=tau,
                    weight=weight, ce=MLKD_CE,
                    temperatures=(float(tau), ) + MLKD_EXTRA_TEMPERATURES)
    if method.startswith('ctkd'):
        standardize = method == 'ctkd-zscore'
        return dict(loss='CTKDLoss', standardize=standardize,
                    weight=CTKD_ZSCORE_WEIGHT if standardize else CTKD_WEIGHT,
                    ce=CTKD_CE, t_start=CTKD_T_START, t_end=CTKD_T_END,
                    loops=CTKD_DECAY_LOOPS)
    tau, weight, beta = pair.dkd_zscore
    return dict(loss='ZScoreDKDLoss', tau=tau, alpha=DKD_ALPHA, beta=beta,
                weight=weight, ce=DKD_CE, standardize=True)


def _wrap(text: str, indent: int = 0) -> List[str]:
    """``text`` as ``# ...`` comment lines of at most LINE_WIDTH."""
    start = ' ' * indent + '#'
    lines, line = [], start
    for word in text.split():
        if len(line) + 1 + len(word) > LINE_WIDTH:
            lines.append(line)
            line = start
        line += ' ' + word
    return lines + [line]


def _header(method: str, pair: Pair, s: Dict[str, Any]) -> str:
    teacher, student = MODELS[pair.teacher], MODELS[pair.student]
    paper = paper_top1(method, pair)
    temperatures = ', '.join(f'{t:g}' for t in s.get('temperatures', ()))
    if method == 'kd':
        what = (f'Vanilla KD baseline (the DKD paper\'s setting): '
                f'KLDivergence tau {s["tau"]:g}, KD weight {s["weight"]:g}')
    elif method == 'kd-zscore':
        what = (f'ZScoreKLDivergence tau {s["tau"]:g}, KD weight '
                f'{s["weight"]:g} (the pair\'s values in the names of the '
                'paper\'s logs)')
    elif method == 'dkd':
        what = (f'Vanilla DKD baseline (mdistiller\'s DKD, no '
                f'standardization): tau {s["tau"]:g}, alpha '
                f'{s["alpha"]:g}, beta {s["beta"]:g} '
                f'({pair.dkd_beta_source})')
    elif method.startswith('ctkd'):
        source = ('the CTKD script of the paper\'s repository'
                  if s['standardize'] else 'the CTKD paper\'s script')
        what = (f'CTKDLoss (Li et al., AAAI 2023), '
                f'{"" if s["standardize"] else "not "}standardized: KD '
                f'weight {s["weight"]:g} ({source}), learnable T in '
                f'({s["t_start"]:g}, {s["t_start"] + s["t_end"]:g}), '
                f'gradient reversal 0 -> -1 over {s["loops"]} epochs')
    elif method == 'mlkd':
        what = ('Vanilla MLKD baseline (Jin et al., CVPR 2023, with its '
                'code\'s defaults; no standardization): temperatures '
                f'({temperatures}), KD weight {s["weight"]:g} on every term')
    elif method == 'mlkd-zscore':
        what = ('MLKD (Jin et al., CVPR 2023), instance level Z-scored: '
                f'temperatures ({temperatures}), i.e. base tau '
                f'{s["tau"]:g}, KD weight {s["weight"]:g} on every term '
                f'({pair.mlkd.zscore_source})')
    else:
        what = (f'ZScoreDKDLoss tau {s["tau"]:g}, alpha {s["alpha"]:g}, '
                f'beta {s["beta"]:g}, loss_weight {s["weight"]:g}, i.e. the '
                f'paper\'s alpha {s["alpha"] * s["weight"]:g} and beta '
                f'{s["beta"] * s["weight"]:g} (the pair\'s values in the '
                'names of the paper\'s logs)')
    if method.startswith('dkd'):
        what += f', {DKD_WARMUP_EPOCHS}-epoch warm-up'
    lines = _wrap(f'{METHOD_LABELS[method]}, CIFAR-100, {teacher.label} -> '
                  f'{student.label} (mdistiller: {pair.teacher} -> '
                  f'{pair.student}).')
    if method.startswith('mlkd'):
        what += (f'; student CE {s["ce"]:g} on each view, lr '
                 f'{learning_rate(method, pair):g} and '
                 f'{max_epochs(method, pair)} epochs (the pair\'s MLKD YAML '
                 'in the paper\'s repository).')
    else:
        what += (f'; student CE {s["ce"]:g}, lr '
                 f'{learning_rate(method, pair):g}.')
    lines += _wrap(what)
    lines += _wrap(f'Paper (Table {pair.table}): top-1 {paper:.2f}, the '
                   'paper\'s number; not measured here.')
    lines += _wrap('Generated by tools/misc/generate_cifar100_configs.py '
                   'from its table: edit the table, not this file.')
    return '\n'.join(lines) + '\n'


def render_config(method: str, pair: Pair) -> str:
    """The text of one config file."""
    s = method_settings(method, pair)
    teacher, student = MODELS[pair.teacher], MODELS[pair.student]
    if method.startswith('mlkd'):
        distiller = _mlkd_distiller(s)
    elif method.startswith('ctkd'):
        distiller = _CTKD_DISTILLER.format(
            fc=_FC,
            standardize=s['standardize'],
            t_start=_num(s['t_start']),
            t_end=_num(s['t_end']),
            weight=_num(s['weight']),
            loops=s['loops'])
    elif method.startswith('kd'):
        loss = (f"loss_kl=dict(type='{s['loss']}', tau={_num(s['tau'])}, "
                f"loss_weight={_num(s['weight'])})")
        if 12 + len(loss) + len('),') > LINE_WIDTH:
            loss = (f"loss_kl=dict(\n                type='{s['loss']}',\n"
                    f"                tau={_num(s['tau'])},\n"
                    f"                loss_weight={_num(s['weight'])})")
        distiller = _KD_DISTILLER.format(fc=_FC, loss=' ' * 12 + loss)
    else:
        distiller = _DKD_DISTILLER.format(
            fc=_FC,
            tau=_num(s['tau']),
            alpha=_num(s['alpha']),
            beta=_num(s['beta']),
            weight=_num(s['weight']),
            standardize=s['standardize'],
            warmup=DKD_WARMUP_EPOCHS)
    base = 'mlkd' if method.startswith('mlkd') else 'distill'
    schedule = (f'train_cfg = dict(max_epochs={max_epochs(method, pair)})\n'
                if method.startswith('mlkd') else '')
    return (_header(method, pair, s) +
            f"_base_ = ['../_base_/{base}_cifar100.py']\n\n"
            f"# Converted from mdistiller's cifar_teachers.tar "
            f'({pair.teacher}_vanilla),\n'
            '# see configs/cifar100/README.md.\n'
            f"teacher_ckpt = '{TEACHER_CKPT.format(pair.teacher)}'\n\n"
            'model = dict(\n' +
            _classifier('architecture', student, s['ce']) +
            _classifier('teacher', teacher, 1.0) +
            '    teacher_ckpt=teacher_ckpt,\n' + distiller + '\n'
            'optim_wrapper = dict(optimizer=dict('
            f'lr={_num(learning_rate(method, pair))}))\n' + schedule)


def _paper_cell(value: float) -> str:
    return f'{value:.2f}'


def render_readme() -> str:
    """configs/cifar100/README.md."""
    rows = []
    for pair in PAIRS:
        teacher, student = MODELS[pair.teacher], MODELS[pair.student]
        for method in METHODS:
            name = config_name(method, pair)
            rows.append(
                f'| {teacher.label} | {student.label} | '
                f'{METHOD_LABELS[method]} | '
                f'{_paper_cell(paper_top1(method, pair))} | – | '
                f'[config](./{name}.py) | '
                f'[{pair.teacher}](#teachers) |')
    hparams = []
    for pair in PAIRS:
        teacher, student = MODELS[pair.teacher], MODELS[pair.student]
        kd_tau, kd_w = pair.kd_zscore
        tau, w, beta = pair.dkd_zscore
        hparams.append(
            f'| {teacher.label} → {student.label} | {kd_tau:g} | {kd_w:g} | '
            f'{tau:g} | {w:g} | {beta:g} | {pair.dkd_beta:g} | '
            f'{student_lr(pair):g} | {pair.paper[0]:.2f} / '
            f'{pair.paper[1]:.2f} |')
    mlkd_hparams = [
        f'| {MODELS[pair.teacher].label} → {MODELS[pair.student].label} | '
        f'{pair.mlkd.zscore[0]:g} | {pair.mlkd.zscore[1]:g} | '
        f'{pair.mlkd.lr:g} | {pair.mlkd.epochs} |' for pair in PAIRS
    ]
    no_log = ' and '.join(
        f'{MODELS[pair.teacher].label} → {MODELS[pair.student].label}'
        for pair in PAIRS if pair.mlkd.zscore_source == _NO_LOG)
    teachers = sorted({pair.teacher for pair in PAIRS}, key=str.lower)
    convert = '\n'.join(
        'python tools/model_converters/convert_mdistiller_teacher.py \\\n'
        f'    cifar_teachers/{arch}_vanilla/ckpt_epoch_240.pth \\\n'
        f'    {TEACHER_CKPT.format(arch)} --arch {arch}' for arch in teachers)
    return _README.format(
        rows='\n'.join(rows), hparams='\n'.join(hparams), convert=convert,
        mlkd_hparams='\n'.join(mlkd_hparams), mlkd_no_log=no_log,
        mlkd_tau=f'{MLKD_TAU:g}', mlkd_weight=f'{MLKD_WEIGHT:g}',
        mlkd_ce=f'{MLKD_CE:g}',
        mlkd_temperatures=', '.join(
            f'{t:g}' for t in MLKD_EXTRA_TEMPERATURES),
        kd_tau=f'{KD_TAU:g}', kd_weight=f'{KD_WEIGHT:g}', kd_ce=f'{KD_CE:g}',
        dkd_tau=f'{DKD_TAU:g}', dkd_ce=f'{DKD_CE:g}',
        warmup=DKD_WARMUP_EPOCHS, paper_title=PAPER_TITLE, paper_url=PAPER_URL,
        t_start=f'{CTKD_T_START:g}', t_end=f'{CTKD_T_END:g}',
        ctkd_loops=CTKD_DECAY_LOOPS, ctkd_weight=f'{CTKD_WEIGHT:g}',
        ctkd_zscore_weight=f'{CTKD_ZSCORE_WEIGHT:g}', ctkd_ce=f'{CTKD_CE:g}',
        hparams_header=('| Pair | KD+Z tau | KD+Z w | DKD+Z tau | DKD+Z w | '
                        'DKD+Z BETA | DKD BETA | lr (not MLKD) | Teacher / '
                        'student alone, top-1 (paper) |'),
        table_header=('| Teacher | Student | Method | Top-1 (paper) | '
                      'Top-1 (ours) | Config | Teacher checkpoint |'),
        example=(OUT_DIR / 'kd-zscore_resnet32x4_resnet8x4_cifar100.py'
                 ).as_posix(),
        author=('{Sun, Shangquan and Ren, Wenqi and Li, Jingzhi and Wang, '
                'Rui and Cao, Xiaochun}'))


_README = """# Logit Standardization in KD: CIFAR-100

> [{paper_title}]({paper_url})

<!-- [ALGORITHM] -->

## Abstract

Knowledge distillation usually matches the student's and the teacher's
softmax at one shared temperature, which forces the student to copy the
teacher's logit range and variance. The paper standardizes each sample's
logits (Z-score: subtract the mean, divide by the standard deviation),
teacher and student separately, before the temperature softmax, so that
only the relations between the teacher's logits are transferred. Here:
the 14 CIFAR-100 teacher/student pairs of the paper's Tables 1 and 2, each
with KD, DKD, KD + CTKD and MLKD, with and without Z-score.

## Results and models

### Classification

Top-1 accuracy (%) on the CIFAR-100 test set. **paper** is the number the
paper reports (best epoch, mean of 4 runs); **ours** is what zkd_mm
measured, and nothing has been measured yet ("–"): no config here has been
trained to completion, and there are no zkd_mm checkpoints or logs. The
tests train each config for 2 iterations on tiny data.

{table_header}
| --- | --- | --- | --- | --- | --- | --- |
{rows}

Abbreviations as in the paper: R = ResNet (CIFAR), R32x4/R8x4 = ResNet with
4x wider stages, W40-2 = WRN-40-2, SHN-V2 = ShuffleNetV2, MN-V2 =
MobileNetV2, R50 = ResNet-50 (CIFAR).

## Config names

`{{method}}_{{teacher}}_{{student}}_cifar100.py`, teacher first; fields are
separated by `_`, words inside a field joined by `-`.

- `kd`: vanilla KD, the paper's baseline (the DKD paper's setting): MMRazor
  `KLDivergence`, tau {kd_tau}, KD weight {kd_weight}, CE {kd_ce}.
- `kd-zscore`: `ZScoreKLDivergence` with the pair's tau and KD weight w,
  CE {kd_ce}.
- `dkd`: vanilla DKD: `ZScoreDKDLoss(standardize=False)` (plain DKD with a
  per-sample mean), tau {dkd_tau}, alpha 1, the pair's BETA, CE {dkd_ce},
  {warmup}-epoch warm-up (`DistillLossWarmupHook`).
- `dkd-zscore`: `ZScoreDKDLoss` with the pair's tau, `alpha=1`,
  `beta=BETA` and `loss_weight=w`, i.e. alpha = w and beta = BETA x w as in
  the paper's code, CE {dkd_ce}, {warmup}-epoch warm-up.
- `ctkd`: KD + CTKD (Curriculum Temperature for KD, Li et al., AAAI
  2023): `CTKDLoss(standardize=False)`, KD at a global temperature
  `T = {t_start} + {t_end} * sigmoid(theta)` (initially 15.62), trained
  through a gradient reversal layer to increase the KD loss; the
  reversal factor goes from 0 to -1 over {ctkd_loops} epochs
  (`CTKDCurriculumHook`, which also logs `ctkd_temperature` every
  iteration). KD weight {ctkd_weight} and CE {ctkd_ce}, as in the CTKD
  paper's script, whose numbers the paper reports as KD + CTKD.
- `ctkd-zscore`: the same with `standardize=True` (both sides Z-scored
  before dividing by T), KD weight {ctkd_zscore_weight} and CE
  {ctkd_ce}, as in the CTKD script of the paper's repository. That
  repository's `--logit_stand` flag is inverted (its issue #15);
  `standardize` here is not.
- `mlkd`: vanilla MLKD (Multi-Level Logit Distillation, Jin et al., CVPR
  2023, with its code's defaults). Teacher and student see two views of
  each training image, a weak one (crop and flip) and a strong one (crop,
  flip, RandAugment and Cutout) (`MultiViewSingleTeacherDistill`, base
  config `configs/_base_/mlkd_cifar100.py`). Three losses, each summed over
  five temperatures (tau, {mlkd_temperatures}):
  `MLKDInstanceLoss` (KD on both views), `MLKDClassLoss` and
  `MLKDBatchLoss` (the class and the batch Gram matrices of the
  predictions, weak view). tau {mlkd_tau}, KD weight {mlkd_weight} on every
  term, CE {mlkd_ce} on each view.
- `mlkd-zscore`: the same with the pair's tau and w and
  `MLKDInstanceLoss(standardize=True)`: as in the paper's code, Z-score
  applies to the instance-level terms only; the class and batch levels use
  the raw logits.

  Both weight each sample (each class, at the class level) by the
  teacher-confidence mask, as the MLKD paper describes. The official code
  instead reduces each term to a scalar before masking (so the mask only
  scales it by about 0.5) and uses the weak view for the terms at T 2 and
  6 of the strong-view instance sum: `official_quirks=True` on the three
  losses reproduces that (`configs/_base_/mlkd_distiller.py` gives the
  `--cfg-options`).

Model names: `resnet8x4`, `resnet32x4`, `resnet20`/`32`/`56`/`110`,
`wrn-40-2`, `wrn-40-1`, `wrn-16-2`, `vgg13`, `vgg8`, `shufflenet-v2`,
`mobilenet-v2`, `resnet50` (mdistiller's CIFAR models: `wrn_40_2`,
`ShuffleV2`, `MobileNetV2`, `ResNet50`, ...).

## Hyper-parameters

All: batch 64 on one GPU, 240 epochs (MLKD: see below), SGD momentum 0.9,
weight decay 5e-4, lr x0.1 at epochs 150, 180 and 210, RandomCrop 32
(padding 4) and horizontal flip, mmpretrain's CIFAR-100 normalization. The
per-pair values come from the names of the paper's training logs
(`TYPE,TEACHER,STUDENT,tau,w[,BETA]`); "DKD BETA" is the vanilla DKD
baseline's, from the pair's DKD YAML in the paper's repository, or
mdistiller's default 8 where the repository has none (R110 → R20,
R32x4 → W16-2, R32x4 → W40-2, W40-2 → R8x4, W40-2 → MN-V2). For DKD +
Z-score the log names' BETA is used, which differs from those YAMLs for
several pairs. For R56 → R20 the authors suggested tau 2 with w 18 in an
issue, while the log name says tau 3; the configs follow the log. The last
column is the paper's accuracy of the teacher and of the student trained
without distillation.

{hparams_header}
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
{hparams}

MLKD and MLKD + Z-score train for 480 epochs (960 for ShuffleNet
students) with the same lr steps at 150, 180 and 210, so the last 270
(750) epochs run at 1/1000 of the lr, as the official code does. Their
lr and epochs come from the pair's MLKD YAML in the paper's repository.
MLKD + Z-score's tau and w come from the names of the paper's MLKD logs
(`mlkd,TEACHER,STUDENT,tau,w`). {mlkd_no_log} have
no MLKD log: they use the defaults of the paper's `train.py` (tau 2, w 9).
Vanilla MLKD uses tau {mlkd_tau} and w {mlkd_weight} for every pair.

| Pair | MLKD+Z tau | MLKD+Z w | lr (MLKD) | Epochs (MLKD) |
| --- | --- | --- | --- | --- |
{mlkd_hparams}

## Getting Started

### Data

Put the python version of CIFAR-100 (`cifar-100-python/{{train,test,meta}}`)
under `data/cifar100/`. mmpretrain's `CIFAR100` checks the md5 sums of
these files; add `--cfg-options train_dataloader.dataset.download=True
val_dataloader.dataset.download=True` to let it download them.

### Teachers

The paper's teachers are mdistiller's: download `cifar_teachers.tar` from
mdistiller's GitHub release page, unpack it (`tar xf cifar_teachers.tar`,
giving `cifar_teachers/<arch>_vanilla/ckpt_epoch_240.pth`) and convert the
six teachers to zkd_mm checkpoints:

```bash
{convert}
```

The configs read `checkpoints/cifar100_teachers/<arch>.pth`. The first
validation prints the teacher's accuracy as `teacher.accuracy/top1`.

### Train and test

```bash
python tools/train.py {example}
python tools/test.py {example} \\
    work_dirs/kd-zscore_resnet32x4_resnet8x4_cifar100/best_accuracy_top1_epoch_N.pth
```

With zkd_mm installed, the configs can also be named as
`zkd_mm::cifar100/<name>.py` (see the main README).

## Citation

```latex
@inproceedings{{sun2024logit,
  title={{Logit Standardization in Knowledge Distillation}},
  author={author},
  booktitle={{CVPR}},
  year={{2024}}
}}
```
"""


def render_metafile() -> str:
    """configs/cifar100/metafile.yml."""
    lines = [
        'Collections:',
        f'  - Name: {COLLECTION}',
        '    Metadata:',
        '      Training Data: CIFAR-100',
        '    Paper:',
        f'      URL: {PAPER_URL}',
        f'      Title: {PAPER_TITLE}',
        f'    README: {OUT_DIR.as_posix()}/README.md',
        '    Converted From:',
        '      Code:',
        f'        URL: {CODE_URL}',
        '',
        '# No zkd_mm run has finished yet, so no Weights and no Results.',
        '# "Paper Top 1 Accuracy" is the paper\'s number, not a zkd_mm one.',
        'Models:',
    ]
    for pair in PAIRS:
        for method in METHODS:
            name = config_name(method, pair)
            lines += [
                f'  - Name: {name}',
                f'    In Collection: {COLLECTION}',
                '    Metadata:',
                '      Location: logits',
                f'      Method: {METHOD_LABELS[method]}',
                '      Training Data: CIFAR-100',
                f'      Epochs: {max_epochs(method, pair)}',
                '      Batch Size: 64',
                '      Student:',
                f'        Architecture: {pair.student}',
                '      Teacher:',
                f'        Architecture: {pair.teacher}',
                f'        Checkpoint: {TEACHER_CKPT.format(pair.teacher)}',
                "        Converted From: mdistiller's cifar_teachers.tar, "
                f'{pair.teacher}_vanilla/ckpt_epoch_240.pth',
                '      Paper Top 1 Accuracy: '
                f'{_paper_cell(paper_top1(method, pair))}',
                f'    Config: {OUT_DIR.as_posix()}/{name}.py',
            ]
    return '\n'.join(lines) + '\n'


def render_all() -> Dict[Path, str]:
    """Every generated file, by path relative to the repository root."""
    files = {
        OUT_DIR / f'{config_name(method, pair)}.py': render_config(
            method, pair)
        for pair in PAIRS for method in METHODS
    }
    files[OUT_DIR / 'README.md'] = render_readme()
    files[OUT_DIR / 'metafile.yml'] = render_metafile()
    return files


def stale_files(root: Path = REPO_ROOT) -> List[str]:
    """Generated files that differ from, or are missing in, ``root``; and
    files in ``configs/cifar100`` that the generator does not write."""
    expected = render_all()
    problems = [
        str(path) for path, text in expected.items()
        if not (root / path).is_file() or (root / path).read_text() != text
    ]
    problems += [
        str(path.relative_to(root))
        for path in sorted((root / OUT_DIR).glob('*'))
        if path.relative_to(root) not in expected
    ]
    return problems


def main(argv: Optional[List[str]] = None) -> int:
    """Write the files, or with ``--check`` only compare them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--check',
        action='store_true',
        help='exit 1 if a committed file differs from the output')
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_files()
        for problem in problems:
            print(f'out of date: {problem}')
        return 1 if problems else 0
    for path, text in render_all().items():
        (REPO_ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        (REPO_ROOT / path).write_text(text)
    print(f'Wrote {len(render_all())} files to {OUT_DIR}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
