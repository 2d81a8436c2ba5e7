# Copyright (c) zkd_mm contributors. All rights reserved.
"""``mmrazor.models`` imports on torch 2.x once zkd_mm is loaded."""
import pytest
import torch
from mmengine.utils import digit_version

from tests.subprocess_utils import assert_ok, run_python

MODERN_TORCH = digit_version(torch.__version__) >= digit_version('2.0.0')


@pytest.mark.skipif(not MODERN_TORCH, reason='the failure is torch>=2 only')
def test_plain_mmrazor_models_fails_without_zkd_mm():
    result = run_python('import mmrazor.models')
    assert result.returncode != 0
    assert 'torch>=1.13' in result.stderr


def test_import_zkd_mm_then_mmrazor_everything():
    out = assert_ok(
        run_python("""
        import sys
        import zkd_mm
        import mmrazor.models, mmrazor.engine
        from mmrazor.utils import register_all_modules
        register_all_modules()
        from mmrazor.registry import MODELS
        assert 'SingleTeacherDistill' in MODELS.module_dict
        assert 'ZScoreKLDivergence' in MODELS.module_dict
        stand_ins = sorted(name for name, mod in list(sys.modules.items())
                           if 'ZKD_MM_STAND_IN_CAUSE' in getattr(
                               mod, '__dict__', {}))
        print('STAND_INS', stand_ins)
        import mmrazor.structures.quantization.qconfig as qconfig
        print('QCONFIG_REAL', hasattr(qconfig, 'QConfigHandler'))
        """))
    expected = (['mmrazor.structures.quantization.backend_config']
                if MODERN_TORCH else [])
    assert f'STAND_INS {expected}' in out
    assert 'QCONFIG_REAL True' in out


def test_custom_imports_route(tmp_path):
    config = tmp_path / 'plugin_cfg.py'
    config.write_text("custom_imports = dict(imports=['zkd_mm'], "
                      'allow_failed_imports=False)\n'
                      "loss = dict(type='ZScoreKLDivergence', tau=3.0)\n")
    out = assert_ok(
        run_python(f"""
        from mmengine.config import Config
        cfg = Config.fromfile({str(config)!r})
        import mmrazor.models
        from mmrazor.utils import register_all_modules
        register_all_modules()
        from mmrazor.registry import MODELS
        print('BUILT', MODELS.build(cfg.loss).tau)
        """))
    assert 'BUILT 3.0' in out


@pytest.mark.skipif(not MODERN_TORCH, reason='stand-ins are torch>=2 only')
def test_quantization_fails_loudly():
    out = assert_ok(
        run_python("""
        import torch
        import zkd_mm
        from zkd_mm.compat import QuantizationUnavailableError
        from mmrazor.structures.quantization import (
            BackendConfigs, get_native_backend_config)
        from mmrazor.models.quantizers import TorchNativeQuantizer
        for call in (lambda: BackendConfigs['native'],
                     get_native_backend_config):
            try:
                call()
            except QuantizationUnavailableError as err:
                assert torch.__version__ in str(err), err
                assert 'torch>=1.13' in str(err), err
                print('CLEAR_ERROR')
        """))
    assert out.count('CLEAR_ERROR') == 2


def _write_package(root, name, body):
    pkg = root / name / 'backend_config'
    pkg.mkdir(parents=True)
    (root / name / '__init__.py').write_text('')
    (pkg / '__init__.py').write_text('from .impl import VALUE\n')
    (pkg / 'impl.py').write_text(body)


@pytest.mark.parametrize('works', [True, False])
def test_finder_tries_the_real_package_first(tmp_path, works):
    body = 'VALUE = 42\n' if works else 'raise ImportError("broken torch")\n'
    _write_package(tmp_path, 'fakerazor', body)
    out = assert_ok(
        run_python(
            f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import zkd_mm.compat.mmrazor_quantization as compat
        compat.TARGET = 'fakerazor.backend_config'
        import fakerazor.backend_config as mod
        print('REAL', getattr(mod, 'VALUE', None))
        print('STAND_IN', compat.is_stand_in())
        print('SUBMODULE_LEFT', 'fakerazor.backend_config.impl' in sys.modules)
        if compat.is_stand_in():
            try:
                mod.BackendConfigs['x']
            except compat.QuantizationUnavailableError as err:
                print('CAUSE', 'broken torch' in str(err))
        """))
    if works:
        assert 'REAL 42' in out and 'STAND_IN False' in out
    else:
        assert 'REAL None' in out and 'STAND_IN True' in out
        assert 'SUBMODULE_LEFT False' in out and 'CAUSE True' in out


def test_missing_mmcv_gives_the_fix():
    result = run_python("""
        import importlib.util
        find_spec = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *args: (
            None if name == 'mmcv' else find_spec(name, *args))
        import zkd_mm
        """)
    assert result.returncode != 0
    assert 'zkd_mm needs mmcv' in result.stderr
    # Commands that work where zkd_mm is installed from a checkout.
    assert 'pip install "mmcv-lite==2.1.0"' in result.stderr
    assert 'pip install -e ".[lite]"' in result.stderr
    assert 'zkd_mm[lite]' not in result.stderr
