package io.tokentally.shared;

import java.util.regex.Pattern;

/** An id (a customer's, a source's) as a part of a file name. */
public final class FileNamePart {

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    private FileNamePart() {}

    /**
     * The id as it is when it holds only {@code A-Z a-z 0-9 . _ -}; otherwise with {@code _} for each other character
     * and {@code ~} and the first 12 hex digits of the id's SHA-256 after it, so that ids which read alike once made
     * safe ({@code a, b}, {@code a/b} and {@code a__b}) do not name one file.
     */
    public static String of(String id) {
        String safe = UNSAFE.matcher(id).replaceAll("_");
        return safe.equals(id) ? id : safe + "~" + Sha256.hex(id).substring(0, 12);
    }
}
