"""What the training app tells the apps above it.

Job attribution and the three-referral rule (employment) depend on which enrolments are completed, in
which batches, with which dates. The training app may not import employment (DESIGN.md's layers), so it
announces the change and employment, which knows its own counting rules, brings its summary rows up to
date in the same transaction. The receiver is connected in `EmploymentConfig.ready`."""

from django.dispatch import Signal

# Sent inside the writing transaction, after the write, with:
#   trainee_ids: ids of the people whose completed enrolments or categories may have changed;
#   old_pairs: (area id, brand id) pairs that batches of theirs had before the change (a batch's
#   occupation can change), whose jobs must be recounted too.
progress_inputs_changed = Signal()
