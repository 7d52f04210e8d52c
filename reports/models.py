"""Reports own no data: they read the training record (`courses.Enrollment`), quiz
answers and certificates of the employees in the user's scope (`people.selectors`).
Nothing imports `reports`."""
