"""The ground floor: helpers every app needs (emails, the task outbox, rate limits, safe
spreadsheet cells). It imports no other app of the project; every app may import it."""
