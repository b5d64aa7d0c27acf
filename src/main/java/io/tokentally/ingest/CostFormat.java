package io.tokentally.ingest;

/**
 * A format whose records are what a provider charged ({@link CostColumns}), not usage: its files are
 * stored as provider costs for reconciliation and never billed.
 */
public interface CostFormat extends UsageFormat {}
