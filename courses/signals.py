from django.dispatch import Signal

# Sent when an enrollment reaches "completed", inside the completing transaction with the
# enrollment row locked; kwargs: enrollment_id. Receivers write in that transaction (or
# record work with `core.outbox.enqueue`), so nothing they do can be lost after the
# commit; an error rolls the completion back. `certificates` issues the certificate;
# `courses` does not know who listens.
enrollment_completed = Signal()

# Sent after a course folder of the curriculum has been loaded; kwargs: course, folder.
# `quizzes` listens to load the quizzes of that folder.
curriculum_course_loaded = Signal()
