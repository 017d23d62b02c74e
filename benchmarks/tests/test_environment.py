"""The benchmarks' own set-up, on the test database: what they time must be what clerks do."""

import pytest

from benchmarks.environment import new_batch
from benchmarks.rosters import roster_rows, roster_workbook
from benchmarks.run import commit_roster

pytestmark = pytest.mark.django_db


def test_the_benchmark_batch_takes_a_roster_as_an_approved_class_does():
    report = commit_roster(roster_workbook(roster_rows(5)), new_batch())
    assert (report["committed"], report["errors"], report["created"], report["enrolled"]) == (True, [], 5, 5)
