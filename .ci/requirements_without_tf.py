"""Print skkeras' requirements, with the given extras, minus TensorFlow.

For CI's environment without TensorFlow: ``pip install --no-deps .`` then
``pip install -r`` this output, so that TensorFlow is never downloaded (pip
has no option to leave one dependency out). Environment markers are kept
for pip to evaluate.

Usage (from the repository root)::

    python .ci/requirements_without_tf.py jax test > requirements.txt
"""

import re
import sys

try:
    import tomllib
except ImportError:  # Python 3.10: pip's own copy of tomli
    from pip._vendor import tomli as tomllib

TENSORFLOW = re.compile(r"^\s*(tensorflow|tensorflow-cpu|tf-nightly)\b", re.I)


def requirements(extras):
    with open("pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    return [r for r in reqs if not TENSORFLOW.match(r)]


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
