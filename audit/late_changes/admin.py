"""Admin of audit.late_changes (imported by AuditConfig.ready)."""
