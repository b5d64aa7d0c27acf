/** Readers of provider usage exports and gateway logs, each translating its records into the usage format's columns. */
package io.tokentally.ingest.provider;
