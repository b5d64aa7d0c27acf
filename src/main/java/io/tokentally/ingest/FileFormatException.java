package io.tokentally.ingest;

/** A file that cannot be ingested at all, for example one whose header lacks a required column. */
public class FileFormatException extends RuntimeException {

    public FileFormatException(String message) {
        super(message);
    }
}
