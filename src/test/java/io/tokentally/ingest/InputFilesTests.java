package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTests {

    static final String CSV = "request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens\n"
            + "r1,2025-03-01T10:00:00Z,caf\u00e9,openai,gpt-4o,100,20\n"
            + "r2,2025-03-01T10:01:00Z,acme,openai,gpt-4o,200,30\n";

    static final String JSONL = "{\"request_id\":\"r1\",\"timestamp\":\"2025-03-01T10:00:00Z\"}\n";

    @TempDir
    Path dir;

    final UsageFormats formats = new UsageFormats(List.of(new UsageCsvFormat(), new UsageJsonLinesFormat()));

    @Test
    void readsAGzippedFileNamedCsvTransparently() throws IOException {
        // given
        Path file = gzip(dir.resolve("usage.csv"), CSV.getBytes(StandardCharsets.UTF_8));

        // when
        String text = readText(file);

        // then
        assertThat(Files.readAllBytes(file)).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(text).isEqualTo(CSV);
    }

    @Test
    void readsAPlainFileNamedGzAsPlainText() throws IOException {
        // given
        Path file = Files.writeString(dir.resolve("usage.csv.gz"), CSV, StandardCharsets.UTF_8);

        // when
        String text = readText(file);

        // then
        assertThat(text).isEqualTo(CSV);
    }

    @Test
    void skipsAByteOrderMarkInsideAGzippedFile() throws IOException {
        // given
        Path file = gzip(dir.resolve("usage.csv.gz"), withBom(CSV));

        // when
        String text = readText(file);

        // then
        assertThat(text).isEqualTo(CSV);
    }

    @Test
    void skipsAByteOrderMarkInAPlainFile() throws IOException {
        // given
        Path file = Files.write(dir.resolve("usage.csv"), withBom(CSV));

        // when
        String text = readText(file);

        // then
        assertThat(text).isEqualTo(CSV);
    }

    @Test
    void readsAllMembersOfAConcatenatedGzipFile() throws IOException {
        // given two gzip members, as `cat a.gz b.gz` makes
        byte[] first = gzipped(CSV.getBytes(StandardCharsets.UTF_8));
        byte[] second = gzipped("r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40\n".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("usage.csv.gz");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(first);
            out.write(second);
        }

        // when
        String text = readText(file);

        // then
        assertThat(text).isEqualTo(CSV + "r3,2025-03-01T10:02:00Z,acme,openai,gpt-4o,300,40\n");
    }

    @Test
    void readsAnEmptyFileAsEmptyText() throws IOException {
        // given
        Path file = Files.write(dir.resolve("usage.csv"), new byte[0]);

        // when
        String text = readText(file);

        // then
        assertThat(text).isEmpty();
    }

    @Test
    void headReturnsTheFirstCharactersOfTheDecodedText() throws IOException {
        // given
        Path file = gzip(dir.resolve("usage.bin"), withBom(CSV));

        // when
        String head = InputFiles.head(file, 10);
        String whole = InputFiles.head(file, 100_000);

        // then
        assertThat(head).isEqualTo("request_id");
        assertThat(whole).isEqualTo(CSV);
    }

    @Test
    void recognizesTheFormatOfAGzippedFileByContentNotName() throws IOException {
        // given
        Path csvNamedJsonl = gzip(dir.resolve("usage.jsonl"), CSV.getBytes(StandardCharsets.UTF_8));
        Path jsonlNamedCsvGz = gzip(dir.resolve("usage.csv.gz"), JSONL.getBytes(StandardCharsets.UTF_8));
        Path notes = Files.writeString(dir.resolve("notes.csv"), "just some notes\n");

        // when, then
        assertThat(formats.detect(csvNamedJsonl)).map(UsageFormat::name).contains(UsageCsvFormat.NAME);
        assertThat(formats.detect(jsonlNamedCsvGz)).map(UsageFormat::name).contains(UsageJsonLinesFormat.NAME);
        assertThat(formats.detect(notes)).isEmpty();
    }

    @Test
    void readsRecordsOfAGzippedCsvWithTheirLineNumbers() throws IOException {
        // given
        Path file = gzip(dir.resolve("usage.csv"), withBom(CSV));

        // when
        List<RawRecord> records = new ArrayList<>();
        try (RecordCursor cursor = new UsageCsvFormat().open(InputFiles.openText(file))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                records.add(record);
            }
        }

        // then
        assertThat(records)
                .extracting(RawRecord::lineNo, record -> record.field("customer_id"))
                .containsExactly(tuple(2L, "caf\u00e9"), tuple(3L, "acme"));
    }

    @Test
    void rowsWhoseIdsAreNotUtf8AreRejectedNotMergedIntoOneId() throws IOException {
        // given two customers written in Latin-1, whose bytes E9 and E8 are not UTF-8
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens\n"
                .getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("r1,2025-03-01T10:00:00Z,init".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xe9);
        bytes.writeBytes("ch,openai,gpt-4o,100,20\nr2,2025-03-01T10:01:00Z,init".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xe8);
        bytes.writeBytes("ch,openai,gpt-4o,100,20\nr3,2025-03-01T10:02:00Z,caf\u00e9,openai,gpt-4o,100,20\n"
                .getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("latin1.csv"), bytes.toByteArray());

        // when
        List<UsageRowParser.Result> results = new ArrayList<>();
        try (RecordCursor cursor = formats.detect(file).orElseThrow().open(InputFiles.openText(file))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                results.add(UsageRowParser.parse(1, record));
            }
        }

        // then the Latin-1 rows are rejected with their lines, and the UTF-8 row is read
        assertThat(results.subList(0, 2))
                .extracting(
                        result -> result.reject().lineNo(),
                        result -> result.reject().code())
                .containsExactly(tuple(2L, RejectCode.INVALID_ENCODING), tuple(3L, RejectCode.INVALID_ENCODING));
        assertThat(results.get(0).reject().message())
                .isEqualTo("customer_id holds U+FFFD, the character that stands for bytes that are not UTF-8 (or"
                        + " for a JSON escape of half a surrogate pair, or a NUL): 'init\uFFFDch'");
        assertThat(results.get(2).row().customerId()).isEqualTo("caf\u00e9");
    }

    private static String readText(Path file) throws IOException {
        try (Reader reader = InputFiles.openText(file)) {
            StringBuilder text = new StringBuilder();
            char[] buffer = new char[7];
            for (int read = reader.read(buffer); read >= 0; read = reader.read(buffer)) {
                text.append(buffer, 0, read);
            }
            return text.toString();
        }
    }

    private static byte[] withBom(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        return bytes;
    }

    private static Path gzip(Path file, byte[] content) throws IOException {
        return Files.write(file, gzipped(content));
    }

    private static byte[] gzipped(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }
}
