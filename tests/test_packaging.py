"""The distribution: its name and version, the files its wheel ships, and a plain install that
cleans without the training packages (scikit-learn, SciPy)."""

from __future__ import annotations

import ast
import email
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import cleaner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
DIST = "boilerplate-cleaner"
TRAINING_PACKAGES = ("sklearn", "scipy")


def _source_copy(dest: Path) -> Path:
    """What a source distribution holds, copied out, so that building writes nothing into the
    checkout (setuptools builds in place: build/ and an egg-info)."""
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("cleaner", "models"):
        shutil.copytree(ROOT / folder, dest / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    return dest


def _run(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout)


def test_version_from_the_command_and_python_m():
    version = metadata.version(DIST)
    assert version == cleaner.__version__
    commands = [[sys.executable, "-m", "cleaner", "--version"]]
    script = Path(sys.executable).with_name("cleaner")
    if script.exists():  # the installed command
        commands.append([str(script), "--version"])
    for command in commands:
        run = _run(*command)
        assert (run.returncode, run.stdout, run.stderr) == (0, f"cleaner {version}\n", "")


def test_python_m_cleaner_runs_the_command_line(tmp_path: Path):
    sample = SAMPLES / "000_eac21cd5e3db0ab9.txt"
    run = _run(sys.executable, "-m", "cleaner", "clean", sample)
    assert run.returncode == 0
    assert run.stdout == cleaner.Cleaner().clean(sample.read_text(encoding="utf-8"))


def test_wheel_holds_license_type_marker_and_model(tmp_path: Path):
    src = _source_copy(tmp_path / "src")
    run = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
               src, "-w", tmp_path / "dist")
    assert run.returncode == 0, run.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    assert wheel.name.startswith("boilerplate_cleaner-")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        [license_file] = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert z.read(license_file) == (ROOT / "LICENSE").read_bytes()
        meta = email.message_from_bytes(z.read(license_file.replace("licenses/LICENSE",
                                                                    "METADATA")))
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text
    models = [p.name for p in (ROOT / "models").iterdir() if p.suffix in (".npz", ".json", ".md")]
    assert {"cleaner.npz", "cleaner.json"} <= set(models)
    assert {f"cleaner/models/{m}" for m in models} <= names
    assert {"cleaner/py.typed", "cleaner/__main__.py", "cleaner/__init__.py",
            "cleaner/review.html"} <= names  # the review page's template
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cleaner").rglob("*.py")}
    assert "cleaner/training/train.py" in sources
    assert sorted(sources - names) == []  # every module, those of cleaner/training/ too
    if _has_compiler():
        assert [n for n in names if re.fullmatch(r"cleaner/_native\..+\.(so|pyd)", n)]
    assert meta["Name"] == DIST and meta["License-Expression"] == "Apache-2.0"
    classifiers = meta.get_all("Classifier")
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in range(10, 14)} \
        <= set(classifiers)
    assert "Typing :: Typed" in classifiers
    core = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert "joblib" in " ".join(core)
    assert not [r for r in core if re.match(r"(scikit-learn|scipy)\b", r)]


def _has_compiler() -> bool:
    return shutil.which((sysconfig.get_config_var("CC") or "cc").split()[0]) is not None


def test_without_a_c_compiler_the_wheel_builds_and_cleans_the_same(tmp_path: Path):
    """The C module is optional: where it cannot be built (here CC=false), the wheel builds
    without it and cleans the samples to the same bytes in Python."""
    src = _source_copy(tmp_path / "src")
    env = {**os.environ, "CC": "false"}
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                          "--no-build-isolation", str(src), "-w", str(tmp_path / "dist")],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert not [n for n in z.namelist() if n.startswith("cleaner/_native.")
                    and not n.endswith(".c")]
        z.extractall(tmp_path / "unpacked")
    code = (f"import sys, pathlib, cleaner, cleaner.features as f\n"
            f"assert f._native is None and cleaner.__file__.startswith({str(tmp_path)!r})\n"
            f"for p in sorted(pathlib.Path({str(SAMPLES)!r}).glob('*.txt')):\n"
            f"    sys.stdout.write(cleaner.clean(p.read_text(encoding='utf-8')))\n")
    # -S and site-packages on the path without its .pth files: the checkout's editable
    # install (a .pth import hook) must not stand in for the unpacked wheel.
    paths = [tmp_path / "unpacked", *dict.fromkeys(sysconfig.get_paths()[k]
                                                   for k in ("purelib", "platlib"))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                         timeout=120, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    here = cleaner.Cleaner()
    assert run.stdout == "".join(here.clean(p.read_text(encoding="utf-8"))
                                 for p in sorted(SAMPLES.glob("*.txt")))


def test_extras_train_datatrove_and_test():
    requires = metadata.requires(DIST)

    def extra(name: str) -> set[str]:
        return {re.split(r"[<>=;\s]", r)[0] for r in requires if f'extra == "{name}"' in r}

    assert extra("train") == {"scikit-learn", "scipy"}
    assert extra("train") <= extra("test")
    assert "orjson" in extra("datatrove")  # datatrove's JsonlReader and JsonlWriter need it


def test_cleaning_imports_neither_scikit_learn_nor_scipy(tmp_path: Path):
    """Every cleaning path in one process: the command's clean and explain, the Python API on
    text and HTML, the integrations; then not one module of the training packages is loaded,
    and of cleaner.training only the recipe (the settings that train's --help names)."""
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><h1>Bridge to close</h1><p>The harbour bridge will "
                    "close for six weeks from Monday, the port authority said.</p>"
                    "</article></body></html>", encoding="utf-8")
    code = f"""
import sys
import cleaner
from cleaner.cli import main
from cleaner.integrations import CleanerStep, map_function
assert main(["clean", {str(SAMPLES)!r}, {str(page)!r}, "-o", {f"{tmp_path / 'out'}/"!r}, "-q",
             "-j", "1"]) == 0
assert main(["explain", {str(SAMPLES / "en_recipe_blog.txt")!r}, "--format", "json"]) == 0
assert cleaner.clean_html(open({str(page)!r}, "rb").read()).decisions
assert cleaner.clean("Share\\nThe bridge will close.\\n")
assert map_function()({{"text": ["Share\\nThe bridge will close.\\n", None]}})["text"][1] is None
print(sorted(m for m in sys.modules if m.split(".")[0] in {TRAINING_PACKAGES!r}))
print(sorted(m for m in sys.modules if m.startswith("cleaner.training")))
"""
    run = _run(sys.executable, "-c", code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-2] == "[]"
    assert set(ast.literal_eval(run.stdout.splitlines()[-1])) <= \
        {"cleaner.training", "cleaner.training.recipe"}
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == \
        sorted([p.name for p in SAMPLES.glob("*.txt")] + ["page.txt"])


@pytest.mark.slow
def test_plain_install_cleans_without_the_training_packages(tmp_path: Path):
    """A fresh venv and ``pip install`` of the checkout (no extras; about 15 s here with the
    local package index): it cleans the sample folder as this environment does, holds no
    scikit-learn or SciPy, and ``cleaner train`` says which extra to install (exit 2)."""
    venv = tmp_path / "venv"
    run = _run(sys.executable, "-m", "venv", venv)
    assert run.returncode == 0, run.stderr
    bin_dir = venv / "bin"
    run = _run(bin_dir / "python", "-m", "pip", "install", "-q", _source_copy(tmp_path / "src"),
               timeout=600)
    assert run.returncode == 0, run.stderr
    run = _run(bin_dir / "python", "-c", "import importlib.util as u; "
               f"print([m for m in {TRAINING_PACKAGES!r} if u.find_spec(m)])")
    assert run.stdout == "[]\n", run.stderr
    if _has_compiler():  # pip built the C module
        run = _run(bin_dir / "python", "-c", "import cleaner._native")
        assert run.returncode == 0, run.stderr

    out = tmp_path / "out"
    run = _run(bin_dir / "cleaner", "clean", SAMPLES, "-o", out, "-q", "-j", "2",
               "--no-repetition")
    assert run.returncode == 0, run.stderr
    here = cleaner.Cleaner()
    for sample in sorted(SAMPLES.glob("*.txt")):
        assert (out / sample.name).read_text(encoding="utf-8") == \
            here.clean(sample.read_text(encoding="utf-8")), sample.name

    run = _run(bin_dir / "cleaner", "train", "--no-corpora", "-o", tmp_path / "model.npz")
    assert run.returncode == 2
    assert "pip install 'boilerplate-cleaner[train]'" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "model.npz").exists()
    run = _run(bin_dir / "cleaner", "--version")
    assert run.stdout == f"cleaner {cleaner.__version__}\n"
