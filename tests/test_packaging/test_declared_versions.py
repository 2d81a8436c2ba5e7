# Copyright (c) zkd_mm contributors. All rights reserved.
"""The versions pyproject.toml admits are the versions this suite runs on.

CI installs one environment (the README's ci:setup block) and runs this suite in
it. A declared lower bound below the installed version would admit a
release nothing has tested (torch 2.1-2.3 were declared while the Z-score
losses called an API added in torch 2.4), so each pinned package's floor
must be the installed version, and the README's "Tested versions" table
must name the same versions.
"""
import re
import sys
from importlib.metadata import version

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.subprocess_utils import REPO_ROOT

pytestmark = pytest.mark.quick

PYPROJECT = tomllib.loads((REPO_ROOT / 'pyproject.toml').read_text())
README = (REPO_ROOT / 'README.md').read_text()
# Package -> its row in the README's "Tested versions" table.
TABLE_ROWS = {
    'torch': 'torch / torchvision',
    'torchvision': 'torch / torchvision',
    'mmengine': 'mmengine',
    'mmpretrain': 'mmpretrain',
    'mmrazor': 'mmrazor',
    'mmcv-lite': 'mmcv-lite',
}


def _requirements():
    project = PYPROJECT['project']
    reqs = [Requirement(r) for r in project['dependencies']]
    reqs += [Requirement(r) for r in project['optional-dependencies']['lite']]
    return {r.name: r for r in reqs if r.name in TABLE_ROWS}


def _floor(specifier: SpecifierSet) -> Version:
    floors = [Version(s.version) for s in specifier
              if s.operator in ('>=', '==', '~=')]
    assert floors, f'{specifier} has no lower bound'
    return max(floors)


@pytest.mark.parametrize('name', sorted(TABLE_ROWS))
def test_the_declared_floor_is_the_installed_version(name):
    requirement = _requirements()[name]
    installed = Version(version(name))
    assert installed in requirement.specifier, (name, str(installed))
    assert _floor(requirement.specifier) == installed, (
        f'{name}: pyproject.toml admits {requirement.specifier}, but only '
        f'{installed} is tested')


@pytest.mark.parametrize('name', sorted(TABLE_ROWS))
def test_the_readme_table_names_the_installed_version(name):
    row = re.search(rf'^\| {re.escape(TABLE_ROWS[name])} \| (.+) \|$',
                    README, re.M)
    assert row, TABLE_ROWS[name]
    assert version(name) in row.group(1).split(' / ')


def test_python_floor_is_the_running_python():
    declared = SpecifierSet(PYPROJECT['project']['requires-python'])
    running = Version('.'.join(map(str, sys.version_info[:3])))
    assert running in declared
    assert _floor(declared).release[:2] == running.release[:2]
    assert f'| Python | {running} |' in README
