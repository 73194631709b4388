import Testing

// Suites of this target live beside this file.
