# Copyright (c) zkd_mm contributors. All rights reserved.
"""Unpack Fashion-MNIST into the layout mmpretrain's ``FashionMNIST`` reads.

mmpretrain's ``FashionMNIST`` dataset reads the four uncompressed IDX files
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``) from its
``data_root``. This script takes the gzipped files, by default from the
Debian package ``dataset-fashion-mnist``
(``apt-get install -y dataset-fashion-mnist`` puts them in
``/usr/share/datasets/fashion-mnist``), checks them and decompresses them
into ``--dst``.

Checks: an archive whose md5 equals the one in mmpretrain's
``FashionMNIST.train_list`` / ``test_list`` is upstream's own download.
Debian recompressed the archives (another gzip header, hence other md5
sums), so for any other archive the decompressed file's md5 must equal
that of upstream's decompressed file (``RAW_MD5``). The same data are
accepted either way; anything else is an error. Files already in ``--dst``
with the right md5 are kept.

Example:
    python tools/dataset_converters/prepare_fashion_mnist.py
    python tools/dataset_converters/prepare_fashion_mnist.py \\
        --src /usr/share/datasets/fashion-mnist --dst data/fashion_mnist
"""
import warnings

# mmengine and mim import setuptools' deprecated pkg_resources (each time a
# config names a package); only that upstream warning is silenced here.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import argparse
import gzip
import hashlib
import os
import shutil
import sys
from pathlib import Path
from typing import Dict, List, Optional

DEFAULT_SRC = '/usr/share/datasets/fashion-mnist'
DEFAULT_DST = 'data/fashion_mnist'

# md5 of upstream's decompressed files (the uncompressed content of the
# archives whose md5 mmpretrain lists; Debian's archives hold the same).
RAW_MD5 = {
    'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
    'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
    't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
    't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
}

MISSING_HELP = (
    'Install the Debian package that holds them:\n'
    '    apt-get install -y dataset-fashion-mnist\n'
    '(then rerun this script), or pass --src with a folder holding the '
    'four .gz files, or let mmpretrain download them: add\n'
    '    --cfg-options train_dataloader.dataset.download=True '
    'val_dataloader.dataset.download=True\n'
    'to tools/train.py (needs internet access).')


class PrepareError(RuntimeError):
    """The source files are missing or are not Fashion-MNIST."""

def archive_md5() -> Dict[str, str]:
    """md5 of each upstream archive, as listed by mmpretrain.

    Returns:
        dict[str, str]: ``{'train-images-idx3-ubyte.gz': md5, ...}``.
    """
    # Imported here so that ``--help`` stays fast.
    from mmpretrain.datasets import FashionMNIST
    return dict(FashionMNIST.train_list + FashionMNIST.test_list)


def md5_of(path: Path, gunzip: bool = False) -> str:
    """md5 of a file, or of its decompressed content if ``gunzip``."""
    digest = hashlib.md5()
    opener = gzip.open if gunzip else open
    with opener(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _check_source(archive: Path, expected_md5: str) -> str:
    """Check one archive; return how it was recognized."""
    if md5_of(archive) == expected_md5:
        return 'upstream archive md5 ok'
    raw_name = archive.name[:-len('.gz')]
    try:
        raw_md5 = md5_of(archive, gunzip=True)
    except (OSError, EOFError) as error:
        raise PrepareError(f'{archive} is not a readable gzip file '
                           f'({error}).') from error
    if raw_md5 != RAW_MD5[raw_name]:
        raise PrepareError(
            f'{archive} is not the Fashion-MNIST file {archive.name}: its '
            f'md5 is not mmpretrain\'s {expected_md5}, and its content\'s '
            f'md5 {raw_md5} is not {RAW_MD5[raw_name]}. Reinstall it '
            '(apt-get install --reinstall dataset-fashion-mnist) or '
            'download it again.')
    return 'recompressed archive, content md5 ok'


def prepare(src: Path, dst: Path, force: bool = False) -> List[Path]:
    """Check the four archives in ``src`` and decompress them into ``dst``.

    Args:
        src (Path): Folder with the ``*-ubyte.gz`` files.
        dst (Path): Output folder (mmpretrain's ``data_root``), created if
            needed.
        force (bool): Rewrite files that are already in ``dst``. Defaults
            to False.

    Returns:
        list[Path]: The four decompressed files.

    Raises:
        PrepareError: If an archive is missing or has the wrong content.
    """
    outputs = [dst / raw_name for raw_name in RAW_MD5]
    todo = [
        target for target in outputs if force or not target.is_file()
        or md5_of(target) != RAW_MD5[target.name]
    ]
    for target in outputs:
        if target not in todo:
            print(f'{target}: present, md5 ok')
    if not todo:
        return outputs
    expected = archive_md5()
    missing = [name for name in expected if not (src / name).is_file()]
    if missing:
        raise PrepareError(
            f'Fashion-MNIST not found: {", ".join(missing)} missing in '
            f'{src}.\n{MISSING_HELP}')
    dst.mkdir(parents=True, exist_ok=True)
    for target in todo:
        name = target.name + '.gz'
        how = _check_source(src / name, expected[name])
        partial = target.with_name(target.name + '.part')
        with gzip.open(src / name, 'rb') as fin, open(partial, 'wb') as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        os.replace(partial, target)
        print(f'{target}: written ({how})')
    return outputs


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``sys.argv[1:]`` by default)."""
    parser = argparse.ArgumentParser(
        description='Check and decompress Fashion-MNIST for mmpretrain')
    parser.add_argument(
        '--src',
        default=DEFAULT_SRC,
        help='folder with the four *-ubyte.gz files (default: where the '
        f'Debian package dataset-fashion-mnist installs them, {DEFAULT_SRC})')
    parser.add_argument(
        '--dst',
        default=DEFAULT_DST,
        help='output folder, the data_root of the configs (default: '
        f'{DEFAULT_DST})')
    parser.add_argument(
        '--force',
        action='store_true',
        help='rewrite the output files even if they are already correct')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Prepare Fashion-MNIST from the command line."""
    args = parse_args(argv)
    try:
        prepare(Path(args.src), Path(args.dst), args.force)
    except PrepareError as error:
        sys.exit(f'error: {error}')


if __name__ == '__main__':
    main()
