"""Admin of audit.compliance (imported by AuditConfig.ready)."""
