"""Domain events that let one area react to another without importing it.

Receivers run inside the sender's transaction and must be idempotent.
"""
from blinker import Namespace

events = Namespace()

# sender: the Attempt just submitted (graded, not yet committed).
attempt_submitted = events.signal("attempt-submitted")
# sender: the Exam just created (by a page, the API or a schedule).
exam_created = events.signal("exam-created")
# sender: ids of officers who may now be eligible for exams they are not invited to
# (new on the roster, moved, regrouped or reactivated), before the roster change commits.
roster_changed = events.signal("roster-changed")
# sender: ids of officers who no longer count as officers (made service accounts), before
# the change commits: they leave the exams they have not started.
officers_uncounted = events.signal("officers-uncounted")
