//! Policy CSP DDF files (DDF v2 split and the legacy monolithic DDF), formats.md §6.
