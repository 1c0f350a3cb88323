"""Training pages: content and quizzes (`learning`), practice cases (`practice`), cohorts,
sessions and progress (`programme`), certificates and their public verification
(`certificates`). Every page answers 404 to anyone outside its scope (see
`training/domain/queries.py`)."""
