//! Intune settings catalog definitions (Graph settingDefinition JSON), formats.md §7.
