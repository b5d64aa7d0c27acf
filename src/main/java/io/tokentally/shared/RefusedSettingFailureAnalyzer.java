package io.tokentally.shared;

import java.util.regex.Pattern;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a setting that a bean refused as it was made (a mapping file's bad line, an SKU table's, a URL, an S3 prefix:
 * an {@link IllegalArgumentException} whose message starts with the setting's name) as that message, in place of the
 * stack trace Spring logs for a failure no analyzer knows, which hid the message among some eighty lines.
 */
public class RefusedSettingFailureAnalyzer extends AbstractFailureAnalyzer<IllegalArgumentException> {

    private static final Pattern NAMES_A_SETTING = Pattern.compile("^(tokentally|spring)\\.[a-z0-9.\\[\\]-]+[ :=(].*");

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IllegalArgumentException cause) {
        String message = cause.getMessage();
        if (message == null
                || !NAMES_A_SETTING
                        .matcher(message.lines().findFirst().orElse(""))
                        .matches()) {
            return null;
        }
        return new FailureAnalysis(
                message,
                "Correct the setting, or the file it names, as the message says. The README describes every setting.",
                cause);
    }
}
