"""Trainee searches addressed by a token, so that an ID number never travels in a URL (browser history,
proxy and server logs, Referer headers; PIPL art. 28/51).

A search is kept in the session under a short random token. A search by ID number keeps the ids of
the people found and a masked label, never the number the clerk typed. Every page that lets a clerk
look a person up (the trainee list, the new subsidy application) goes through this module."""

import secrets

from core.masking import mask_id_number

from . import selectors

SESSION_KEY = "trainee_searches"
SEARCHES_KEPT = 5
MAX_IDS = 1000
# A name, or at most this many digits of an ID number, may stay in an address (old bookmarks, ?q=);
# anything longer is moved into the session at once.
ECHO_DIGITS = 6


def search_label(number: str) -> str:
    """How a search by ID number is shown back: a full number masked, a long partial one by its end."""
    if len(number) >= 18:
        return mask_id_number(number)
    return number if len(number) <= ECHO_DIGITS else f"…{number[-4:]}"


def search_remember(request, query: str) -> str:
    """Keep a search server-side and return its token for the URL."""
    if number := selectors.id_number_query(query):
        found = selectors.trainee_search(user=request.user, query=query).values_list("pk", flat=True)
        entry = {"ids": list(found[:MAX_IDS]), "label": search_label(number)}
    else:
        entry = {"q": query, "label": query}
    searches = request.session.get(SESSION_KEY, {})
    token = secrets.token_urlsafe(6)
    searches[token] = entry
    request.session[SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


def search_recall(request, token: str) -> dict | None:
    """The search kept under `token`: {"q"|"ids", "label"}, or None when it expired or never existed."""
    return request.session.get(SESSION_KEY, {}).get(token) if token else None


def may_stay_in_address(query: str) -> bool:
    """A query that may stay in an address as it is: a name, or a few last digits of a number."""
    return len(selectors.id_number_query(query)) <= ECHO_DIGITS


def search_trainees(user, entry: dict | None):
    """The trainees of a kept search (all of the user's scope when there is none)."""
    entry = entry or {}
    return selectors.trainee_search(user=user, query=entry.get("q", ""), trainee_ids=entry.get("ids"))
