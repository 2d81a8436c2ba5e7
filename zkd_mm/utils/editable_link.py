# Copyright (c) zkd_mm contributors. All rights reserved.
"""Make an editable install of zkd_mm visible to OpenMMLab's ``mim``.

``mim`` finds a package's ``.mim`` folder (configs, tools,
``model-index.yml``) at ``<site-packages>/<package>``, from the location of
its ``*.dist-info``. A PEP 660 editable install (``pip install -e .``)
leaves the code in the checkout and puts only an import hook into
site-packages, so ``mim search``, ``mim train`` and ``mim test`` failed
with ``FileNotFoundError: .../site-packages/zkd_mm/model-index.yml``.

``python -m zkd_mm.utils.editable_link`` links ``<site-packages>/zkd_mm``
to the checkout's ``zkd_mm`` folder. Python then imports the same files
through the link, and mim finds ``.mim``. A regular (wheel) install needs
nothing and is left alone; ``pip uninstall zkd_mm`` leaves the link behind
(remove it by hand).
"""
import os
import os.path as osp
import sysconfig
from typing import Optional

PACKAGE = 'zkd_mm'


def link_editable_install(site_dir: Optional[str] = None) -> str:
    """Link ``<site_dir>/zkd_mm`` to the imported package's folder.

    Args:
        site_dir (str, optional): Defaults to this interpreter's
            ``purelib`` (its site-packages).

    Returns:
        str: What was done, in a sentence.

    Raises:
        FileExistsError: If ``<site_dir>/zkd_mm`` is a real folder of
            another install.
    """
    import zkd_mm
    source = osp.dirname(osp.realpath(zkd_mm.__file__))
    site_dir = site_dir or sysconfig.get_paths()['purelib']
    link = osp.join(site_dir, PACKAGE)
    if osp.realpath(link) == source:
        return f'{link} already is zkd_mm ({source}); nothing to do.'
    if osp.islink(link):
        os.remove(link)
    elif osp.exists(link):
        raise FileExistsError(
            f'{link} is another zkd_mm install; uninstall it first.')
    os.symlink(source, link, target_is_directory=True)
    return f'Linked {link} -> {source}: mim finds zkd_mm\'s .mim folder.'


if __name__ == '__main__':
    print(link_editable_install())
