"""The onboarding pages (/plan/)."""
