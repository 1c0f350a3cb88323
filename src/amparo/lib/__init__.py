"""Pure helpers with no models: environment parsing, text normalisation, hashing."""
