//! Backup-GPO metadata: manifest.xml, bkupInfo.xml, Backup.xml, formats.md §1.1–§1.3.
