/** Findings: results that need a person (mismatches, rejected uploads, uncertain deliveries), stored by a stable key. */
package io.tokentally.reconcile;
