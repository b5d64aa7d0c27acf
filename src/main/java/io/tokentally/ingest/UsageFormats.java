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

    private final List<UsageFormat> formats;

    public UsageFormats(List<UsageFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    public Optional<UsageFormat> detect(Path file) throws IOException {
        String head = InputFiles.head(file, HEAD_CHARS);
        return formats.stream().filter(format -> format.claims(head)).findFirst();
    }

    public UsageFormat named(String name) {
        return formats.stream()
                .filter(format -> format.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no format reader named " + name));
    }
}
