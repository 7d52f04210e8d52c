from django.dispatch import Signal

# Sent inside the HR import's transaction once it wrote its changes (never for a dry run
# or a file with errors); no kwargs beyond the sender. Receivers enqueue their work
# through `core.outbox`, so it runs after the commit and is never lost. `assignments`
# listens to pick up new hires and transfers; `people` does not know who does.
employees_imported = Signal()
