/** Raw usage rows to usage lines: canonical provider and model, disjoint token buckets, long-context tier, customer attribution, dedup by source and request id. */
package io.tokentally.normalize;
