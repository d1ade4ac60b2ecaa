//! ADMX and ADML templates, formats.md §5.
