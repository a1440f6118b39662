"""Stand-in for ansible-test's pip bootstrap script, which it downloads from a host not reachable here.

ansible-test runs this inside a fresh virtualenv as `get_pip.py [pip options] pip==X [--no-setuptools]
[--no-wheel]`. We bootstrap the interpreter's bundled pip with ensurepip, then install the requested
packages from the configured package index, which is what the real script does with its embedded pip.
"""
import ensurepip
import os
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
env = dict(os.environ)  # ensurepip sets PIP_CONFIG_FILE=/dev/null in os.environ; the install needs the config
ensurepip.bootstrap(upgrade=True)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--quiet"] + args, env=env))
