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
    /** How far a first line is read when it is longer than the head: a JSON Lines row with a long prompt in it. */
    static final int LONG_LINE_CHARS = 1024 * 1024;

    private final List<UsageFormat> formats;

    public UsageFormats(List<UsageFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    /**
     * The reader that claims the file by its first {@value #HEAD_CHARS} characters; if none does and its first
     * line is longer than that, by up to {@value #LONG_LINE_CHARS} (a JSON Lines file names its keys after a long
     * value, say), so a file claimed by its head is claimed as before.
     */
    public Optional<UsageFormat> detect(Path file) throws IOException {
        String head = InputFiles.head(file, HEAD_CHARS);
        Optional<UsageFormat> claimed = claimant(head);
        if (claimed.isPresent() || head.length() < HEAD_CHARS || head.strip().contains("\n")) {
            return claimed;
        }
        return claimant(InputFiles.head(file, LONG_LINE_CHARS));
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
