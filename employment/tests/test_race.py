"""Two changes of one person at once (a roster enrolling them while a clerk records their job, say): their
referral standing is rewritten by each, one after the other, and the referral rows count them once."""

import threading
import time

import pytest
from django.db import connection, transaction

from conftest import require_service, uses_postgresql
from employment import tallies
from employment.models import ReferralStanding, ReferralTally
from training.tests.factories import EnrolmentFactory, TrainingBatchFactory


def referral_rows() -> list[tuple]:
    return list(
        ReferralTally.objects.order_by("area_id", "year", "counted_from").values_list(
            "area_id", "year", "counted_from", "trainees", "with_3_or_more"
        )
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_changes_of_one_person_at_once_count_them_once(area):
    require_service("PostgreSQL", uses_postgresql(), "the race needs row locks")
    person = EnrolmentFactory(batch=TrainingBatchFactory(area=area)).trainee_id
    with transaction.atomic():
        tallies.trainees_changed([person])
    before = referral_rows()
    assert before and all(row[3] == 1 for row in before)
    barrier = threading.Barrier(2)
    failures = []

    def change(hold: float) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                tallies.trainees_changed([person])
                time.sleep(hold)  # the other change meets this one's rows locked
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(hold,)) for hold in (0.5, 0.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    # Each change took the person's contribution off and put it back on: the rows are as they were.
    assert referral_rows() == before
    assert ReferralStanding.objects.filter(trainee_id=person).count() == 1
