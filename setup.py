"""Builds the ahead-of-time kernels, ``thaadsim._aot``, at install (src/thaadsim/aot.py says why).

Everything else about the package is in pyproject.toml.  The extension is optional: where it
cannot be built (no C compiler, no Python headers) the install goes on without it and the kernels
compile on first use as before; ``thaadsim --version`` says which is in force (and ``pip install
-v`` shows the reason).  ~45 s of the install on 2 cores.
"""

import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

EXTENSION = "thaadsim._aot"


class BuildAheadOfTime(build_ext):
    """build_ext whose one extension is compiled by numba from thaadsim's kernels, not from C sources."""

    def build_extension(self, ext):
        if ext.name != EXTENSION:
            return super().build_extension(ext)
        sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
        try:
            from thaadsim.aot import build

            build(self.get_ext_fullpath(ext.name))
        except Exception as error:  # noqa: BLE001 - optional: the kernels then compile on first use
            print(f"thaadsim: ahead-of-time kernels not built ({type(error).__name__}: {error}); "
                  "they compile on first use", file=sys.stderr)
            # not an output any more, so that the install does not look for its file (the last
            # extension of the list being built: removing it ends the loop over them)
            self.extensions.remove(ext)

setup(ext_modules=[Extension(EXTENSION, sources=[])], cmdclass={"build_ext": BuildAheadOfTime})
