package io.tokentally.shared;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports settings nothing reads as a list, in place of a stack trace, with where the known ones are listed. */
public class UnknownSettingsFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownSettingsException cause) {
        return new FailureAnalysis(
                "Settings that nothing in tokentally reads:\n  " + String.join("\n  ", cause.settings()),
                "Correct the name or remove the setting. The README describes the settings; the jar lists every one"
                        + " in META-INF/spring-configuration-metadata.json.",
                cause);
    }
}
