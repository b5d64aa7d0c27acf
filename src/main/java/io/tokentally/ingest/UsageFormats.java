package io.tokentally.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** All registered format readers, asked in order; the first that claims a file reads it. */
@Component
public class UsageFormats {

    static final int HEAD_CHARS = 8 * 1024;
    /** How far a file no reader claims by its head is read to be asked again ({@link #detect}). */
    static final int FURTHER_CHARS = 1024 * 1024;

    private final List<UsageFormat> formats;

    public UsageFormats(List<UsageFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    /**
     * The reader that claims the file by its first {@value #HEAD_CHARS} characters; if none does and the file is
     * longer, by up to {@value #FURTHER_CHARS}, so a file claimed by its head is claimed as before. What names a
     * format can come later: a JSON Lines file names its keys after a long value, and a page of an API's buckets
     * names its results' kind only in its first bucket with usage, after a week of empty hours, say.
     */
    public Optional<UsageFormat> detect(Path file) throws IOException {
        String head = InputFiles.head(file, HEAD_CHARS);
        Optional<UsageFormat> claimed = claimant(head);
        if (claimed.isPresent() || head.length() < HEAD_CHARS) {
            return claimed;
        }
        return claimant(InputFiles.head(file, FURTHER_CHARS));
    }

    /** The first reader whose files one that no reader claims resembles ({@link UsageFormat#resembles}). */
    public Optional<UsageFormat> resembled(Path file) throws IOException {
        String head = InputFiles.head(file, HEAD_CHARS);
        return formats.stream().filter(format -> format.resembles(head)).findFirst();
    }

    private Optional<UsageFormat> claimant(String head) {
        return formats.stream().filter(format -> format.claims(head)).findFirst();
    }

    public UsageFormat named(String name) {
        return formats.stream()
                .filter(format -> format.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no format reader named " + name));
    }
}
