# Copyright (c) zkd_mm contributors. All rights reserved.
"""Extract the student from a distillation checkpoint.

A ``SingleTeacherDistill`` checkpoint holds the student under
``architecture.``, next to the teacher (``teacher.``) and the distiller.
This keeps the student's tensors without that prefix, plus ``meta``, so the
result loads strictly into the plain student model, e.g. an mmpretrain
``ImageClassifier`` built from its own config.
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
from pathlib import Path
from typing import Dict, List, Optional

# zkd_mm first: it lets torch.load read Runner-saved checkpoints.
import zkd_mm  # noqa: F401 isort: skip
import torch

PREFIX = 'architecture.'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(
        description='Convert a distillation checkpoint to a student-only '
        'checkpoint')
    parser.add_argument('checkpoint', help='distillation checkpoint file')
    parser.add_argument(
        '--out-path',
        help='output file, or an existing directory to write '
        '<name>_student.pth into; defaults to <name>_student.pth next to '
        'the input')
    return parser.parse_args(argv)


def student_state_dict(state_dict: Dict[str, torch.Tensor],
                       prefix: str = PREFIX) -> Dict[str, torch.Tensor]:
    """The entries under ``prefix``, with the prefix stripped.

    Args:
        state_dict (dict[str, torch.Tensor]): The distillation model's.
        prefix (str): The student's prefix. Defaults to
            ``'architecture.'``.

    Returns:
        dict[str, torch.Tensor]: The student's state dict.

    Raises:
        KeyError: If no key starts with ``prefix``.
    """
    student = {
        key[len(prefix):]: value
        for key, value in state_dict.items() if key.startswith(prefix)
    }
    if not student:
        prefixes = sorted({key.split('.', 1)[0] for key in state_dict})
        raise KeyError(
            f'No key starts with {prefix!r}: this is not a distillation '
            f'checkpoint (its top-level prefixes are {prefixes}).')
    return student


def output_path(checkpoint: str, out_path: Optional[str]) -> Path:
    """Where to write the student checkpoint."""
    name = f'{Path(checkpoint).stem}_student.pth'
    if out_path is None:
        return Path(checkpoint).with_name(name)
    if Path(out_path).is_dir():
        return Path(out_path) / name
    return Path(out_path)


def main(argv: Optional[List[str]] = None) -> None:
    """Convert from the command line."""
    args = parse_args(argv)
    checkpoint = torch.load(args.checkpoint, map_location='cpu')
    state_dict = checkpoint.get('state_dict', checkpoint)
    try:
        student = student_state_dict(state_dict)
    except KeyError as error:
        raise SystemExit(f'error: {args.checkpoint}: {error.args[0]}')
    out = output_path(args.checkpoint, args.out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'meta': checkpoint.get('meta', {}), 'state_dict': student},
               out)
    print(f'Saved {len(student)} student tensors to {out}')


if __name__ == '__main__':
    main()
