"""Check what ``pip install .`` resolves to for another Python and platform.

Runs pip's resolver without installing anything (``pip install --dry-run
--ignore-installed --python-version V --only-binary=:all: --platform P
--target DIR --report FILE .``), with the environment markers of that
Python and platform (pip itself would evaluate them for the Python running
it), and fails if the resolution contains a
pre-release, development or nightly version, a ``*-nightly`` distribution,
or two distributions of one module (``keras`` and ``keras-nightly``).

Usage (from the repository root)::

    python .ci/check_resolution.py 3.14 manylinux_2_28_x86_64 [EXTRA ...]

Prints one line: the Python, the platform, the key versions, OK or FAILED.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

try:
    from packaging.version import Version
except ImportError:  # a bare virtual environment: pip's own copy
    from pip._vendor.packaging.version import Version

#: Distributions that install the same top-level module.
SAME_MODULE = {
    "keras": {"keras", "keras-nightly"},
    "tensorflow": {
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-intel",
        "tensorflow-macos",
        "tensorflow-cpu-aws",
        "tf-nightly",
        "tf-nightly-cpu",
    },
    "jax": {"jax", "jax-nightly"},
}
KEY = ("keras", "tensorflow", "jax", "scikit-learn", "numpy")
PROJECT = "skkeras"


#: Environment markers of each platform (PEP 508), for :func:`marker_env`.
PLATFORM_MARKERS = {
    "manylinux": dict(
        sys_platform="linux", platform_system="Linux", os_name="posix",
        platform_machine="x86_64",
    ),
    "macosx": dict(
        sys_platform="darwin", platform_system="Darwin", os_name="posix",
        platform_machine="arm64",
    ),
    "win": dict(
        sys_platform="win32", platform_system="Windows", os_name="nt",
        platform_machine="AMD64",
    ),
}  # fmt: skip

# pip evaluates environment markers (``tensorflow; python_version < "3.14"``)
# for the Python running it, whatever --python-version and --platform say:
# the child pip gets the target's marker environment instead.
_PIP = """
import sys
from pip._vendor.packaging import markers
from pip._internal.cli.main import main
_default = markers.default_environment
target = dict(ENV)
markers.default_environment = lambda: {**_default(), **target}
sys.exit(main(sys.argv[1:]))
"""


def marker_env(python, platform):
    """The PEP 508 marker values of Python ``python`` on ``platform``."""
    prefix = platform.split("_")[0]
    env = dict(PLATFORM_MARKERS[prefix])
    full = python if python.count(".") == 2 else python + ".0"
    env.update(python_version=python, python_full_version=full)
    env.update(implementation_version=full)
    return env


def platform_tags(platform):
    """``platform`` and the older tags a machine of that platform accepts.

    pip widens a macOS tag to older macOS versions itself, but takes
    ``manylinux_2_28_x86_64`` literally, where a glibc 2.28 machine also
    installs ``manylinux_2_27`` ... ``manylinux_2_17`` wheels (jaxlib's) and
    the legacy ``manylinux2014/2010/1`` ones (libclang's, for TensorFlow).
    """
    m = re.fullmatch(r"manylinux_2_(\d+)_(\w+)", platform)
    if not m:
        return [platform]
    glibc, arch = int(m.group(1)), m.group(2)
    tags = [f"manylinux_2_{v}_{arch}" for v in range(glibc, 16, -1)]
    return tags + [f"manylinux2014_{arch}"]  # pip adds manylinux2010, manylinux1


def resolve(python, platform, extras=()):
    """``{name: version}`` of pip's resolution of the project."""
    target = "." + (f"[{','.join(extras)}]" if extras else "")
    code = _PIP.replace("ENV", repr(marker_env(python, platform)))
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        cmd = [
            sys.executable, "-c", code, "install", "-q", "--dry-run",
            "--ignore-installed", "--python-version", python,
            "--only-binary=:all:",
            *(a for tag in platform_tags(platform) for a in ("--platform", tag)),
            "--target", os.path.join(tmp, "target"), "--report", report, target,
        ]  # fmt: skip
        subprocess.run(cmd, check=True)
        with open(report) as f:
            items = json.load(f)["install"]
    return {
        item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
        for item in items
    }


def problems(resolved):
    """What is wrong with a resolution (an empty list if nothing)."""
    found = []
    for name, version in sorted(resolved.items()):
        if name == PROJECT:
            continue
        v = Version(version)
        if v.is_prerelease or v.is_devrelease or "nightly" in name:
            found.append(f"{name}=={version} is not a release")
    for module, names in SAME_MODULE.items():
        present = sorted(names & set(resolved))
        if len(present) > 1:
            found.append(f"module {module} from {', '.join(present)}")
    return found


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    python, platform, extras = argv[0], argv[1], argv[2:]
    resolved = resolve(python, platform, extras)
    keys = " ".join(f"{k}=={resolved[k]}" for k in KEY if k in resolved)
    found = problems(resolved)
    status = "OK" if not found else "FAILED: " + "; ".join(found)
    print(
        f"Python {python} {platform}: {len(resolved)} distributions, {keys}: {status}"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
