"""The package's namespace: estimators and subpackages on first use."""

import subprocess
import sys

import pytest

import skkeras


@pytest.mark.parametrize("name", ["datasets", "model_selection", "reports", "tasks"])
def test_subpackages_are_attributes_after_import_skkeras(name):
    # A fresh interpreter: in this one, other tests may have imported them.
    code = (
        "import skkeras, sys\n"
        f"assert 'skkeras.{name}' not in sys.modules\n"
        f"module = skkeras.{name}\n"
        f"assert module is sys.modules['skkeras.{name}']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
    assert name in dir(skkeras)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'dataset'"):
        skkeras.dataset  # noqa: B018
