"""The matching benchmark of issue 18 ("It must stay fast"): a person's matches and a vacancy's matches at
`load_demo --scale 1000000`.

Target, on PostgreSQL: each answers in <= 200 ms (median over people and vacancies drawn from the scale
data): for a person, the ranked open vacancies with their reasons (`matches_for_person`); for a vacancy,
the first page of ranked people a county clerk may refer, with their count and reasons (`candidates_page`
and `explain_for_vacancy`), as the vacancy page reads them. Run after the dashboard benchmark, it reuses
its 1,000,000-enrolment load; alone, it loads it first."""

from benchmarks.environment import load_scale
from benchmarks.run import Line, median_ms, say

SIZE = 1_000_000
TARGET_MS = 200.0
SAMPLES = 25
PAGE = 50


def bench_matching() -> list[Line]:
    from django.contrib.auth import get_user_model

    from employment import vacancy_selectors
    from employment.vacancy_models import Vacancy
    from training.models import Enrolment

    if Enrolment.objects.count() < SIZE:
        load_scale(SIZE)
    clerk = get_user_model().objects.get(username="clerk_450721")
    people = list(
        Enrolment.objects.filter(completed=True, batch__area__code="450721")
        .order_by("-id")
        .values_list("trainee", flat=True)[: SAMPLES * 40 : 40]
    )
    vacancies = list(vacancy_selectors.open_vacancies().select_related("occupation").order_by("id")[:SAMPLES])
    say(
        f"\nMatching at {Enrolment.objects.count():,} enrolments, {Vacancy.objects.count():,} vacancies "
        f"({vacancy_selectors.open_vacancies().count():,} open): {len(people)} people, {len(vacancies)} vacancies"
    )
    from training.models import Trainee

    trainees = list(Trainee.objects.filter(pk__in=people))

    def for_person(trainee):
        return vacancy_selectors.matches_for_person(trainee=trainee)

    def for_vacancy(vacancy):
        page = vacancy_selectors.candidates_page(user=clerk, vacancy=vacancy, number=1, per_page=PAGE)
        people = list(page.object_list)
        vacancy_selectors.explain_for_vacancy(people, vacancy)
        return people

    person_ms = median_ms(for_person, trainees)
    vacancy_ms = median_ms(for_vacancy, vacancies)
    found = sum(len(for_vacancy(v)) for v in vacancies[:5])
    say(
        f"  a person's matches: median {person_ms:.0f} ms; a vacancy's first page: median {vacancy_ms:.0f} ms ({found} people on 5 pages)"
    )
    return [
        Line.at_most("a person's matching vacancies (median)", person_ms, TARGET_MS, "ms"),
        Line.at_most("a vacancy's matching people, first page (median)", vacancy_ms, TARGET_MS, "ms"),
    ]
