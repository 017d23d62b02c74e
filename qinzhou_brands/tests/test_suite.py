"""The suite itself: `pytest` (and so `make test` and CI) collects only pytest.ini's testpaths."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_with_tests_is_in_the_suite():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    collected = set(config["pytest"]["testpaths"].split())
    with_tests = {path.parent.parent.name for path in ROOT.glob("*/tests/__init__.py")} | {"e2e"}
    assert with_tests - collected == set(), "pytest.ini testpaths leaves these out"
