package io.tokentally.shared;

import java.util.List;

/** The {@code tokentally.*} settings given that nothing reads, a line each naming where it was given. */
public class UnknownSettingsException extends IllegalStateException {

    private final List<String> settings;

    UnknownSettingsException(List<String> settings) {
        super(String.join("\n", settings));
        this.settings = List.copyOf(settings);
    }

    public List<String> settings() {
        return settings;
    }
}
