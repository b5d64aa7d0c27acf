package io.tokentally.shared;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Time zones as people write them in files: an IANA id or a fixed offset, in any letter case. */
public final class ZoneIds {

    /** Java's region ids by their lower-cased spelling. */
    private static final Map<String, String> BY_LOWER_CASE = ZoneId.getAvailableZoneIds().stream()
            .collect(Collectors.toMap(id -> id.toLowerCase(Locale.ROOT), id -> id, (first, other) -> first));

    private ZoneIds() {}

    /**
     * The zone {@code text} names in any letter case ({@code utc}, {@code europe/berlin}, {@code utc+01:00}); Java's
     * own lookup takes only the canonical case.
     *
     * @throws DateTimeException if it names none, with Java's message for the text as written
     */
    public static ZoneId of(String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            String id = BY_LOWER_CASE.get(text.toLowerCase(Locale.ROOT));
            if (id != null) {
                return ZoneId.of(id);
            }
            try {
                return ZoneId.of(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeException upperCased) {
                throw e;
            }
        }
    }
}
