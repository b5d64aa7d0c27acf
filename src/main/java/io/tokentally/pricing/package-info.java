/** The effective-dated, versioned price catalog: the prices file, the catalog table, lookups at an instant with documented fallbacks; no Spring Batch types outside its step configuration. */
package io.tokentally.pricing;
