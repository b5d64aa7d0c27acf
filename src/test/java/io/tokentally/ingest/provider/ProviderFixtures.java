package io.tokentally.ingest.provider;

import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.ingest.UsageRow;
import io.tokentally.ingest.UsageRowParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads fixture files with a provider reader and applies the usage format's rules to the records. */
final class ProviderFixtures {

    private ProviderFixtures() {}

    static String text(String fixture) {
        try (InputStream in = ProviderFixtures.class.getResourceAsStream(fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<RawRecord> records(UsageFormat format, String fixture) {
        return recordsOf(format, text(fixture));
    }

    static List<RawRecord> recordsOf(UsageFormat format, String content) {
        List<RawRecord> records = new ArrayList<>();
        try (Reader reader = new StringReader(content);
                RecordCursor cursor = format.open(reader)) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                records.add(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    /** The records that pass the usage format's rules, as usage rows. */
    static List<UsageRow> rows(UsageFormat format, String fixture) {
        return rowsOf(format, text(fixture));
    }

    /** The records of {@code content} that pass the usage format's rules, as usage rows. */
    static List<UsageRow> rowsOf(UsageFormat format, String content) {
        return recordsOf(format, content).stream()
                .map(record -> UsageRowParser.parse(1, record))
                .filter(result -> result.row() != null)
                .map(UsageRowParser.Result::row)
                .toList();
    }

    /** The rejects' messages, in file order. */
    static List<String> rejects(UsageFormat format, String fixture) {
        return rejectsOf(format, text(fixture));
    }

    /** The rejects' codes and messages of {@code content}, in file order. */
    static List<String> rejectsOf(UsageFormat format, String content) {
        return recordsOf(format, content).stream()
                .map(record -> UsageRowParser.parse(1, record))
                .filter(result -> result.reject() != null)
                .map(result -> result.reject().code() + ": " + result.reject().message())
                .toList();
    }

    /** A row's token counts in the usage format's convention: input, cached, write 5m, write 1h, output, reasoning. */
    static List<Long> tokens(UsageRow row) {
        return List.of(
                row.inputTokens(),
                row.cachedInputTokens(),
                row.cacheWriteTokens(),
                row.cacheWrite1hTokens(),
                row.outputTokens(),
                row.reasoningTokens());
    }
}
