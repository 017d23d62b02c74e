"""`python -m loadtest` (`make loadtest`): gunicorn with production settings and a load generator on loopback.

A throwaway database (PostgreSQL when DATABASE_URL is set, otherwise a temporary SQLite file) gets the
migrations and the demo data; gunicorn serves it with DJANGO_DEBUG=0 behind what a TLS proxy would send;
16 clients with keep-alive connections then request the dashboard, the batch list and the API's batch list
in turn. Printed per target: requests, errors, requests/s, median and p95 latency. The exit status is 1
when any request failed (a status other than 200, or a connection error)."""
