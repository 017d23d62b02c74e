"""Amounts as the programme's documents write them: 2,000,000.00 (Django's zh-hans groups no digits).

Only what a template asks to group (`floatformat:"2g"`, `intcomma`) is grouped: USE_THOUSAND_SEPARATOR
stays off, so ids in URLs and form inputs keep their plain digits."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
