from django.dispatch import Signal

# Sent on commit when an enrollment reaches "completed"; kwargs: enrollment_id.
# `certificates` listens; `courses` does not know who does.
enrollment_completed = Signal()

# Sent after a course folder of the curriculum has been loaded; kwargs: course, folder.
# `quizzes` listens to load the quizzes of that folder.
curriculum_course_loaded = Signal()
