/** Finding and reading usage files: local input folders, the file registry (each content once), one reader per format, the usage format's row rules and the rejects table. */
package io.tokentally.ingest;
