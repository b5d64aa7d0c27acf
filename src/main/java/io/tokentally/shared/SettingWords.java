package io.tokentally.shared;

import java.util.List;
import java.util.Locale;

/**
 * The words a setting or a command's option takes ({@code fail-on=warning}, {@code --layout tokens}), read in any
 * letter case, as Spring Boot binds its own enumerations. A setting record puts its word in the case it compares in
 * its constructor, which runs before the record's {@code @Pattern} is checked; null stays null (the setting left
 * out).
 */
public final class SettingWords {

    private SettingWords() {}

    public static String lower(String word) {
        return word == null ? null : word.toLowerCase(Locale.ROOT);
    }

    public static String upper(String word) {
        return word == null ? null : word.toUpperCase(Locale.ROOT);
    }

    /** Each word of the list in lower case; a null list stays null. */
    public static List<String> lower(List<String> words) {
        return words == null
                ? null
                : List.copyOf(words.stream().map(SettingWords::lower).toList());
    }
}
