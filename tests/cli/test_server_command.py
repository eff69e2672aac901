"""The lab server command and the environment it runs in.

``attribution-lab lab`` (what ``make lab`` runs) must start JupyterLab bound to 127.0.0.1 with token
authentication on, whatever options are passed through, and open the start notebook. The
environment it runs in must be consistent (``pip check``) and every dependency of the package must
have an upper bound, so a new major release cannot break a class mid-term.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from attribution_lab.cli import build_parser
from attribution_lab.cli.server import ALLOWED, APP_FOLDER, START_NOTEBOOK, app_command, lab_command

ROOT = Path(__file__).resolve().parents[2]

#: Anything in a command line that would open the server to others or switch authentication off.
AUTH_OFF = re.compile(
    r"(token\s*=\s*(''|\"\"|$))|password\s*=\s*(''|\"\"|$)|disable_check_xsrf|allow_remote_access|"
    r"allow_origin\s*=\s*\*|--no-token|ip\s*=\s*(0\.0\.0\.0|\*|::|'')|--ip(=|$)",
    re.IGNORECASE,
)


def _option(command: list[str], name: str) -> list[str]:
    """The values given to one ``--Name=value`` option in a command line."""
    return [part.split("=", 1)[1] for part in command if part.startswith(f"--{name}=")]


@pytest.fixture
def module_root(tmp_path: Path) -> Path:
    """A folder laid out like the module, with the start notebook."""
    (tmp_path / START_NOTEBOOK).parent.mkdir(parents=True)
    (tmp_path / START_NOTEBOOK).write_text("{}", "utf-8")
    return tmp_path


def test_binds_localhost_only(module_root: Path) -> None:
    """The server address is 127.0.0.1, given exactly once, with or without a port."""
    for port in (None, 8899):
        command = lab_command(module_root, port=port)
        assert _option(command, "ServerApp.ip") == ["127.0.0.1"]
        assert not [part for part in command if part.startswith("--ip")]
        if port is not None:
            assert _option(command, "ServerApp.port") == ["8899"]


def test_runs_jupyterlab_in_the_same_environment(module_root: Path) -> None:
    """The server is JupyterLab run by the given Python (the venv's), rooted at the module folder."""
    command = lab_command(module_root, python="/venv/bin/python")
    assert command[:3] == ["/venv/bin/python", "-m", "jupyterlab"]
    assert _option(command, "ServerApp.root_dir") == [str(module_root)]
    assert lab_command(module_root)[0] == sys.executable


def test_opens_the_start_notebook(module_root: Path) -> None:
    """The start notebook is opened when it exists, and left out (not a broken path) when it does not."""
    assert lab_command(module_root)[-1] == START_NOTEBOOK
    assert START_NOTEBOOK not in lab_command(module_root / "elsewhere")
    assert (ROOT / START_NOTEBOOK).is_file() == (START_NOTEBOOK in lab_command(ROOT))


def test_never_disables_authentication(module_root: Path) -> None:
    """No empty token, no password switch-off, no XSRF or remote-access option, in any command built
    from allowed extra options."""
    allowed_extras = [[], ["--no-browser"], ["--ServerApp.open_browser=False", "--LabApp.news_url=None"]]
    for extra in allowed_extras:
        command = lab_command(module_root, port=8900, extra=extra)
        text = " ".join(command)
        assert not AUTH_OFF.search(text), text
        assert not [part for part in command if "token" in part.lower() or "password" in part.lower()]


@pytest.mark.parametrize(
    "option",
    [
        "--ip=0.0.0.0",
        "--ip",
        "--ServerApp.ip=0.0.0.0",
        "--ServerApp.ip=*",
        "--IdentityProvider.token=",
        "--IdentityProvider.token=''",
        "--ServerApp.token=",
        "--NotebookApp.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.allow_remote_access=True",
    ],
)
def test_refuses_options_that_open_the_server(option: str, module_root: Path) -> None:
    """Options that change the address or the authentication raise ValueError naming the option."""
    with pytest.raises(ValueError) as caught:
        lab_command(module_root, extra=["--no-browser", option])
    assert option.split("=", 1)[0] in str(caught.value)


#: Options that weaken the server in less obvious ways. Checked by hand: ``--PasswordIdentityProvider.token=``
#: sets an empty token on the default identity provider, which switches authentication off.
WEAKENING = [
    "--PasswordIdentityProvider.token=",
    "--ServerApp.config_file=/tmp/open.py",
    "--config=/tmp/open.py",
    "--ServerApp.tornado_settings={'xsrf_cookies': False}",
    "--ServerApp.allow_origin=*",
    "--ServerApp.allow_origin_pat=.*",
    "--ServerApp.identity_provider_class=jupyter_server.auth.identity.IdentityProvider",
    "--ServerApp.authorizer_class=jupyter_server.auth.authorizer.AllowAllAuthorizer",
    "--ServerApp.local_hostnames=['example.org']",
]


@pytest.mark.parametrize("option", WEAKENING)
def test_refuses_other_ways_to_weaken_the_server(option: str, module_root: Path) -> None:
    """Other options that weaken or bypass the protection (the token on the default identity
    provider's own class, a config file that can set anything, tornado settings that drop XSRF,
    cross-origin access, another identity provider or authoriser) are refused too."""
    with pytest.raises(ValueError):
        lab_command(module_root, extra=[option])


def test_as_root_jupyterlab_is_allowed_to_start_and_still_safe(module_root: Path) -> None:
    """As root --allow-root is added (Jupyter will not start without it) and the address and token
    stay as they are; as another user it is not added."""
    as_root = lab_command(module_root, port=8902, as_root=True)
    assert "--allow-root" in as_root and "--ServerApp.ip=127.0.0.1" in as_root
    assert not AUTH_OFF.search(" ".join(as_root))
    assert "--allow-root" not in lab_command(module_root, port=8902, as_root=False)


def test_the_lab_subcommand_is_registered() -> None:
    """``attribution-lab lab`` exists and its extra options go through lab_command's checks."""
    args = build_parser().parse_args(["lab", "--port", "8901", "--", "--no-browser"])
    assert args.command == "lab"
    assert args.port == 8901
    assert args.extra == ["--no-browser"]


def test_allowed_options_never_touch_address_or_authentication() -> None:
    """No option on the allow-list names an address, a token, a password, an origin, a config file
    or an identity provider."""
    risky = ("ip", "token", "password", "origin", "config", "identity", "authoriz", "xsrf", "remote", "tornado", "hostname")
    for option in ALLOWED:
        assert not any(word in option.lower() for word in risky), option


def test_make_lab_runs_attribution_lab_lab() -> None:
    """The Makefile's ``lab`` target runs ``attribution-lab lab`` from the venv, and nothing that
    could change the address or the token."""
    makefile = (ROOT / "Makefile").read_text("utf-8")
    match = re.search(r"^lab:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE)
    assert match, "the Makefile has no lab target"
    recipe = match.group(1)
    assert re.search(r"attribution-lab lab\b", recipe), recipe
    assert not AUTH_OFF.search(recipe), recipe
    assert "jupyter lab" not in recipe and "jupyter-lab" not in recipe, "make lab must go through attribution-lab lab"


def test_app_mode_serves_the_lessons_on_localhost_only(module_root: Path) -> None:
    """``app_command`` runs Voila from the same Python on the lessons folder, binds 127.0.0.1 and
    the port asked for, and adds --no-browser only when asked."""
    command = app_command(module_root, port=8870, python="/venv/bin/python")
    assert command[:3] == ["/venv/bin/python", "-m", "voila"]
    assert command[3] == str(module_root / APP_FOLDER)
    assert "--Voila.ip=127.0.0.1" in command and "--port=8870" in command
    assert not any(part.startswith("--Voila.ip=") and part != "--Voila.ip=127.0.0.1" for part in command)
    assert "--no-browser" not in command
    assert "--no-browser" in app_command(module_root, open_browser=False)


def test_the_app_subcommand_and_make_app() -> None:
    """``attribution-lab app`` is registered, and the Makefile's ``app`` target runs it from the venv."""
    args = build_parser().parse_args(["app", "--port", "8871", "--no-browser"])
    assert (args.command, args.port, args.no_browser) == ("app", 8871, True)
    makefile = (ROOT / "Makefile").read_text("utf-8")
    match = re.search(r"^app:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.MULTILINE)
    assert match, "the Makefile has no app target"
    assert re.search(r"attribution-lab app\b", match.group(1)), match.group(1)


def test_app_refuses_a_folder_without_lessons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``attribution-lab app --root X`` where X has no notebooks/ folder stops with a message naming it."""
    from attribution_lab.cli import main

    assert main(["app", "--root", str(tmp_path), "--no-browser"]) == 2
    assert str(tmp_path / APP_FOLDER) in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# The environment


def test_pip_check_is_clean() -> None:
    """Every installed package's requirements are met in the environment the tests run in."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _requirements() -> list[str]:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    found = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        found.extend(extra)
    return found


def test_every_dependency_has_an_upper_bound() -> None:
    """Each dependency (core and extras) in pyproject.toml has an upper bound (<, <= or ~=) or an
    exact pin (==), so a new major release cannot arrive unannounced."""
    requirements = _requirements()
    assert requirements, "pyproject.toml lists no dependencies"
    unbounded = []
    for requirement in requirements:
        spec = requirement.split(";", 1)[0]
        if not re.search(r"(<|<=|~=|==)\s*[0-9]", spec):
            unbounded.append(requirement)
    assert not unbounded, f"no upper bound: {', '.join(unbounded)}"


def test_build_requirements_have_upper_bounds() -> None:
    """The build backend is bounded too (a new hatchling major could change what gets packaged)."""
    tomllib = pytest.importorskip("tomllib")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["build-system"]["requires"]
    assert requires
    assert all(re.search(r"(<|<=|~=|==)\s*[0-9]", r) for r in requires), requires


def test_the_printed_address_opens_the_start_notebook(module_root: Path) -> None:
    """Jupyter prints its default URL: it is the start notebook's page, unless the user gave another."""
    assert _option(lab_command(module_root), "LabApp.default_url") == [f"/lab/tree/{START_NOTEBOOK}"]
    assert _option(lab_command(module_root, extra=["--LabApp.default_url=/lab"]), "LabApp.default_url") == ["/lab"]
    assert not _option(lab_command(module_root / "elsewhere"), "LabApp.default_url")


def test_lab_takes_allowed_options_directly_and_refuses_others_in_one_line(
    module_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lab --no-browser` (no `--` needed) reaches JupyterLab; a refused option exits 2 with one
    line naming it and the allowed ones, and starts nothing."""
    from attribution_lab import cli
    from attribution_lab.cli import server

    started: list[list[str]] = []
    monkeypatch.setattr(server, "_serve", lambda command, root, message: started.append(command) or 0)
    assert cli.main(["lab", "--root", str(module_root), "--no-browser", "--port", "8950"]) == 0
    assert "--no-browser" in started[0] and _option(started[0], "ServerApp.port") == ["8950"]
    assert cli.main(["lab", "--root", str(module_root), "--ip=0.0.0.0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --ip is not allowed") and "--no-browser" in err[0]
    assert len(started) == 1
    with pytest.raises(SystemExit) as caught:  # other commands still refuse what they do not know
        cli.main(["validate", "--no-browser"])
    assert caught.value.code == 2


def test_version_is_the_installed_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`attribution-lab --version` prints the version pyproject.toml declares."""
    import tomllib

    from attribution_lab import cli

    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert capsys.readouterr().out.strip() == f"attribution-lab {declared}"


def test_app_prints_the_start_notebooks_address(module_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`attribution-lab app` names the start notebook's app-mode address, on 127.0.0.1 and its port."""
    from attribution_lab import cli
    from attribution_lab.cli import server

    (module_root / APP_FOLDER).mkdir(exist_ok=True)
    said: list[str] = []
    monkeypatch.setattr(server, "_serve", lambda command, root, message: said.append(message) or 0)
    assert cli.main(["app", "--root", str(module_root), "--no-browser", "--port", "8877"]) == 0
    assert "start here: http://127.0.0.1:8877/voila/render/00_start_here.ipynb" in said[0]
