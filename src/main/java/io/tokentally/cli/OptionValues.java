package io.tokentally.cli;

import io.tokentally.shared.FieldLength;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads option values of the types the commands take, refusing a bad one in the option's words (picocli puts
 * "Invalid value for option '--date':" before them) rather than with Java's class and exception names.
 */
final class OptionValues {

    private OptionValues() {}

    /** Registers the readers on {@code commandLine} and its subcommands. */
    static CommandLine register(CommandLine commandLine) {
        return commandLine
                .registerConverter(LocalDate.class, OptionValues::day)
                .registerConverter(Instant.class, OptionValues::instant)
                .registerConverter(Long.class, OptionValues::longValue)
                .registerConverter(Long.TYPE, OptionValues::longValue)
                .registerConverter(Integer.class, OptionValues::intValue)
                .registerConverter(Integer.TYPE, OptionValues::intValue);
    }

    static LocalDate day(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                throw new TypeConversionException("'" + text + "' is written YYYY-MM-DD but is no day of the calendar");
            }
            throw new TypeConversionException("'" + text + "' is not a day written YYYY-MM-DD, such as 2026-11-27");
        }
    }

    static Instant instant(String text) {
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException(
                    "'" + text + "' is not a UTC instant written YYYY-MM-DDThh:mm:ssZ, such as 2026-12-01T00:00:00Z");
        }
        if (!SqlTime.isWholeMicros(instant)) {
            throw new TypeConversionException("'" + text + "' " + SqlTime.FINER_THAN_KEPT);
        }
        return instant;
    }

    static long longValue(String text) {
        try {
            return PlainNumbers.wholeLong(text);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a whole number up to " + Long.MAX_VALUE);
        }
    }

    static int intValue(String text) {
        try {
            return PlainNumbers.wholeInt(text);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not a whole number up to " + Integer.MAX_VALUE);
        }
    }

    /** Refuses, as a usage error (exit 2), an option's text longer than the {@code maxLength} characters kept. */
    static void requireAtMost(CommandSpec spec, String option, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw new ParameterException(
                    spec.commandLine(), option + " " + FieldLength.tooLong(value.length(), maxLength));
        }
    }
}
