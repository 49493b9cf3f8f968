"""FinOps: what each answer costs (estimated from tokens or GPU time) and the cost report over the audit trail."""
