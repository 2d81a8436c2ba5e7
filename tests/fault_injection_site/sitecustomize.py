# Copyright (c) zkd_mm contributors. All rights reserved.
"""Put ``tests/fault_injection_site`` and the repository on PYTHONPATH to
run every Python process of a test with ``tests.fault_injection``."""
import os

if os.environ.get('ZKD_ITER_SLEEP') or os.environ.get('ZKD_FAULT_MOMENT'):
    from tests import fault_injection

    fault_injection.install()
