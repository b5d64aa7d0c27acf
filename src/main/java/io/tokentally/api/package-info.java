/** The REST trigger API of {@code serve}: start, rerun, restart, stop and inspect runs; bearer-token security. */
package io.tokentally.api;
