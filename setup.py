"""Builds the extension hlsforge._core with the project's CMake build (no
second build description): configure with HLSFORGE_PYTHON=ON, build the
target hlsforge_python, then put the extension, the package's .py files and
the HLS kernel library (what `cmake --install` puts in share/hlsforge) into
the wheel.

Environment: HLSFORGE_PY_BUILD_DIR (default build-pip in the repository; an
existing configured build directory is reused as it is), HLSFORGE_JOBS
(parallel jobs, default 2).
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SRC = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.environ.get("HLSFORGE_PY_BUILD_DIR", os.path.join(SRC, "build-pip"))
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            subprocess.check_call(["cmake", "-S", SRC, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                                   "-DHLSFORGE_PYTHON=ON", "-DHLSFORGE_BUILD_TESTS=OFF", "-DHLSFORGE_BUILD_BENCH=OFF",
                                   f"-DHLSFORGE_PYTHON_EXECUTABLE={sys.executable}"])
        jobs = os.environ.get("HLSFORGE_JOBS", "2")
        subprocess.check_call(["cmake", "--build", build, "--target", "hlsforge_python", "-j", jobs])
        target = os.path.dirname(os.path.abspath(self.get_ext_fullpath(ext.name)))
        os.makedirs(target, exist_ok=True)
        built = glob.glob(os.path.join(build, "python", "hlsforge", "_core*.so"))
        if not built:
            raise RuntimeError(f"{build}: the build made no hlsforge/_core*.so")
        shutil.copy2(built[0], self.get_ext_fullpath(ext.name))
        # The HLS kernel library and simulation headers, in the installed
        # layout the package points HLSFORGE_DATA_DIR at (hlsforge/data).
        with tempfile.TemporaryDirectory() as prefix:
            subprocess.check_call(["cmake", "--install", build, "--prefix", prefix], stdout=subprocess.DEVNULL)
            data = os.path.join(target, "data")
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(os.path.join(prefix, "share", "hlsforge"), data)


setup(
    packages=["hlsforge"],
    package_dir={"": "python"},
    ext_modules=[Extension("hlsforge._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
