//! Finds the GPOs under the paths a user gives and reads each with the right readers.
