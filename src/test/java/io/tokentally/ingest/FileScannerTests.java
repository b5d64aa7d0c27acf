package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;

class FileScannerTests {

    @TempDir
    Path dir;

    final FileScanner scanner =
            new FileScanner(null, new UsageFormats(List.of(new UsageCsvFormat(), new UsageJsonLinesFormat())));

    @Test
    void aFileRemovedAfterItsFolderWasListedIsLeftOutAndTheOthersAreRegistered() throws IOException {
        // given two files, the first removed as the scan comes to it (a log rotated away after the listing)
        Path gone = Files.writeString(dir.resolve("a.csv"), usageCsv());
        Files.writeString(dir.resolve("b.csv"), usageCsv().replace("req-", "other-"));
        FileScanner spied = Mockito.spy(new FileScanner(
                Mockito.mock(FileRegistry.class),
                new UsageFormats(List.of(new UsageCsvFormat(), new UsageJsonLinesFormat()))));
        Mockito.doAnswer(call -> {
                    Files.delete(gone);
                    return call.callRealMethod();
                })
                .when(spied)
                .register(Mockito.anyLong(), Mockito.anyString(), Mockito.eq(gone), Mockito.any());

        // when
        int pending = spied.scan(1, List.of(new InputSource("gateway", dir, SourceRole.BILLABLE)));

        // then: the run goes on with the other file (it failed with the removed file's path alone)
        assertThat(pending).isEqualTo(1);
    }

    @Test
    void aFileNamedInBytesThatAreNotUtf8RefusesTheRunBeforeAnyFileIsRegistered() throws Exception {
        // given a usage file beside one whose name holds the byte 0xFF (Java cannot name it with a string)
        Files.writeString(dir.resolve("a.csv"), usageCsv());
        Process touch = new ProcessBuilder("bash", "-c", "cp \"$0/a.csv\" \"$0\"/b$'\\xff'.csv", dir.toString())
                .redirectErrorStream(true)
                .start();
        // a file system that refuses such a name (macOS's) cannot hold the case
        Assumptions.assumeTrue(touch.waitFor() == 0, "a file named with the byte 0xFF");
        FileScanner spied = Mockito.spy(new FileScanner(
                Mockito.mock(FileRegistry.class),
                new UsageFormats(List.of(new UsageCsvFormat(), new UsageJsonLinesFormat()))));

        // when, then: the run fails at once, naming the file and what to do (hunt DJ: the ingest step failed to open
        // it, naming no reason, and so did every run of the date after it, the file renamed or not)
        assertThatThrownBy(() -> spied.scan(1, List.of(new InputSource("gateway", dir, SourceRole.BILLABLE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input file " + dir.toAbsolutePath().resolve("b\uFFFD.csv") + " (source 'gateway') has a"
                        + " name that is not UTF-8 (shown with U+FFFD for the bytes that are not): paths are kept as"
                        + " text, by which it could not be opened again; rename it, or move it out of the input, and"
                        + " run the date again");
        Mockito.verify(spied, Mockito.never())
                .register(Mockito.anyLong(), Mockito.anyString(), Mockito.any(), Mockito.any());
    }

    @Test
    void aGzippedUsageCsvCutAnywhereIsAnInvalidGzipFileWithItsReason() throws IOException {
        assertEveryCutIsAnInvalidGzipFile("usage.csv.gz", usageCsv());
    }

    @Test
    void aGzippedJsonLinesFileCutAnywhereIsAnInvalidGzipFileWithItsReason() throws IOException {
        assertEveryCutIsAnInvalidGzipFile("usage.jsonl.gz", usageJsonLines());
    }

    @Test
    void theWholeGzippedFileIsReadable() throws IOException {
        // given
        Path file = Files.write(dir.resolve("usage.csv.gz"), gzip(usageCsv()));

        // when
        FileScanner.Detection detection = scanner.detect(file);

        // then
        assertThat(detection.status()).isEqualTo(FileStatus.PENDING);
        assertThat(detection.format()).isEqualTo(new UsageCsvFormat().name());
    }

    @Test
    void aFileOfTwoGzipMembersCutAnywhereInTheSecondIsAnInvalidGzipFile() throws IOException {
        // given: two members, as cat a.gz b.gz writes them, cut after each byte of the second but its last
        byte[] first = gzip(usageCsv());
        byte[] second = gzip("req-x,2026-11-27T10:00:00Z,cust-1,openai,gpt-4o,10,0,0,0,1,0,standard,ok\n");
        List<String> failures = new ArrayList<>();
        for (int kept = 1; kept < second.length; kept++) {
            Path file = Files.write(dir.resolve("members.csv.gz"), concat(first, Arrays.copyOf(second, kept)));

            // when
            FileScanner.Detection detection = scanner.detect(file);

            // then
            failures.add(detection.status() + " " + detection.detail().replaceAll(" \\(cut short.*", ""));
        }
        List<String> parts = List.of(
                "FAILED not a valid gzip file: it ends inside the header of gzip member 2",
                "FAILED not a valid gzip file: it ends inside the compressed data of gzip member 2",
                "FAILED not a valid gzip file: it ends inside the trailer of gzip member 2");
        assertThat(failures).containsOnlyElementsOf(parts).containsAll(parts);
        assertThat(scanner.detect(Files.write(dir.resolve("members.csv.gz"), concat(first, second)))
                        .status())
                .isEqualTo(FileStatus.PENDING);
    }

    @Test
    void bytesAfterTheLastGzipMemberFailTheFileUnlessTheyAreZeros() throws IOException {
        // given
        byte[] whole = gzip(usageCsv());
        Path garbage =
                Files.write(dir.resolve("garbage.csv.gz"), concat(whole, "tail\n".getBytes(StandardCharsets.UTF_8)));
        Path zeros = Files.write(dir.resolve("zeros.csv.gz"), concat(whole, new byte[512]));
        byte[] corrupt = whole.clone();
        corrupt[corrupt.length - 6] ^= 1; // a bit of the checksum

        // when / then
        assertThat(scanner.detect(garbage).detail())
                .isEqualTo("not a valid gzip file: the bytes from offset " + whole.length
                        + " on, after gzip member 1, are" + " not a gzip member");
        assertThat(scanner.detect(zeros).status()).isEqualTo(FileStatus.PENDING);
        assertThat(scanner.detect(Files.write(dir.resolve("corrupt.csv.gz"), corrupt))
                        .detail())
                .isEqualTo("not a valid gzip file: the checksum of gzip member 1 is not that of its data (corrupt)");
    }

    @Test
    void aUsageCsvWhoseHeaderLacksTimestampFailsNamingIt() throws IOException {
        // given: an export that renamed the timestamp column
        Path file = Files.writeString(
                dir.resolve("renamed.csv"), usageCsv().replaceFirst("^request_id,timestamp,", "request_id,time,"));

        // when
        FileScanner.Detection detection = scanner.detect(file);

        // then
        assertThat(detection.status()).isEqualTo(FileStatus.FAILED);
        assertThat(detection.format()).isEqualTo(UsageCsvFormat.NAME);
        assertThat(detection.detail())
                .isEqualTo("by its header it is a usage-csv file, but the header lacks required column(s) timestamp");
    }

    @Test
    void aCsvNamingThreeOfTheUsageCsvsSevenRequiredColumnsIsUnrecognized() throws IOException {
        // given: a table of another kind in the usage folder
        Path file = Files.writeString(
                dir.resolve("spend.csv"),
                "customer_id,provider,model,month,usd\n" + "acme,openai,gpt-4o,2026-11,12.50\n");

        // when
        FileScanner.Detection detection = scanner.detect(file);

        // then
        assertThat(detection.status()).isEqualTo(FileStatus.UNRECOGNIZED);
        assertThat(detection.format()).isNull();
    }

    @Test
    void aJsonLinesFileWhoseFirstLineNamesItsKeysAfterALongValueIsClaimed() throws IOException {
        // given: a first line with a note of 9,000 characters before request_id, past the 8 KiB head
        String row = "{\"note\":\"" + "x".repeat(9_000) + "\",\"request_id\":\"L0\",\"timestamp\":"
                + "\"2026-11-27T10:00:00Z\",\"customer_id\":\"c01\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
                + "\"input_tokens\":1,\"output_tokens\":0}\n";
        Path file = Files.writeString(dir.resolve("long.jsonl"), row + row);

        // when
        FileScanner.Detection detection = scanner.detect(file);

        // then
        assertThat(detection.status()).isEqualTo(FileStatus.PENDING);
        assertThat(detection.format()).isEqualTo(new UsageJsonLinesFormat().name());
    }

    @Test
    void aMemberWithEveryHeaderFieldIsReadAndOneWhoseHeaderChecksumIsWrongFailsTheFile() throws IOException {
        // given: a second member whose header has an extra field, a name, a comment and a header checksum
        byte[] first = gzip(usageCsv());
        byte[] flagged =
                memberWithEveryHeaderField("req-y,2026-11-27T11:00:00Z,cust-2,openai,gpt-4o,5,0,0,0,1,0,,ok\n");
        byte[] corrupt = flagged.clone();
        corrupt[4] ^= 1; // a bit of the modification time, which the header checksum covers

        // when / then
        assertThat(scanner.detect(Files.write(dir.resolve("flags.csv.gz"), concat(first, flagged)))
                        .status())
                .isEqualTo(FileStatus.PENDING);
        assertThat(scanner.detect(Files.write(dir.resolve("flags.csv.gz"), concat(first, corrupt)))
                        .detail())
                .isEqualTo("not a valid gzip file: the header checksum of gzip member 2 is not that of its header"
                        + " (corrupt)");
    }

    @Test
    void membersLargerThanTheReadBufferAreCheckedWholeAndACutInsideOneIsFound() throws IOException {
        // given: a first member of about 300 KB compressed, past the 64 KiB the check reads at a time, then another
        StringBuilder text = new StringBuilder(usageCsv());
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 12_000; i++) {
            text.append("req-r")
                    .append(i)
                    .append(",2026-11-27T10:00:00Z,cust-")
                    .append(Long.toHexString(random.nextLong()))
                    .append(",openai,gpt-4o,")
                    .append(random.nextInt(1_000_000))
                    .append(",0,0,0,1,0,,ok\n");
        }
        byte[] large = gzip(text.toString());
        byte[] both = concat(large, gzip(usageCsv()));

        // when / then
        assertThat(large.length).isGreaterThan(3 * 64 * 1024);
        assertThat(scanner.detect(Files.write(dir.resolve("large.csv.gz"), both))
                        .status())
                .isEqualTo(FileStatus.PENDING);
        assertThat(scanner.detect(Files.write(dir.resolve("large.csv.gz"), Arrays.copyOf(both, 200_000)))
                        .detail())
                .isEqualTo("not a valid gzip file: it ends inside the compressed data of gzip member 1 (cut short, or"
                        + " still being written)");
    }

    /** One gzip member of {@code text} whose header has an extra field, a file name, a comment and its checksum. */
    private static byte[] memberWithEveryHeaderField(String text) {
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        byte[] header = {
            0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 1, 2, 3, 4, 0, 3, 2, 0, 'x', 'y', 'u', '.', 'c', 's', 'v', 0, 'c', 0
        };
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header);
        member.writeBytes(header);
        member.write((int) headerCrc.getValue() & 0xFF);
        member.write((int) (headerCrc.getValue() >> 8) & 0xFF);
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[1024];
        while (!deflater.finished()) {
            member.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        for (long value : new long[] {crc.getValue(), data.length}) {
            for (int shift = 0; shift < 32; shift += 8) {
                member.write((int) (value >> shift) & 0xFF);
            }
        }
        return member.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @Test
    void anEmptyFileABlankOneAndOneStartingWithBlankLinesAreUnrecognizedEachWithItsOwnReason() throws IOException {
        // given
        Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
        Path blank = Files.writeString(dir.resolve("blank.csv"), "  \n\n");

        // when / then
        assertThat(scanner.detect(empty))
                .isEqualTo(new FileScanner.Detection(null, FileStatus.UNRECOGNIZED, "the file is empty"));
        assertThat(scanner.detect(blank))
                .isEqualTo(new FileScanner.Detection(
                        null, FileStatus.UNRECOGNIZED, "the file holds only blank characters"));
        assertThat(scanner.detect(Files.writeString(dir.resolve("late-start.txt"), "\n\nhello, world\n")))
                .isEqualTo(new FileScanner.Detection(
                        null,
                        FileStatus.UNRECOGNIZED,
                        "no format reader recognizes its content (it starts with: hello, world)"));
        assertThat(scanner.detect(Files.write(dir.resolve("empty.csv.gz"), gzip(""))))
                .isEqualTo(new FileScanner.Detection(null, FileStatus.UNRECOGNIZED, "the file is empty"));
    }

    @Test
    void aUtf16FileIsUnrecognizedShownWithoutItsNulCharacters() throws IOException {
        // given a usage CSV saved as UTF-16 (little-endian, without a byte order mark)
        Path utf16 = Files.write(dir.resolve("utf16.csv"), usageCsv().getBytes(StandardCharsets.UTF_16LE));

        // when
        FileScanner.Detection detection = scanner.detect(utf16);

        // then: its detail has no NUL, which made the log and report.json binary to grep (hunt DJ), and says why
        assertThat(detection.status()).isEqualTo(FileStatus.UNRECOGNIZED);
        assertThat(detection.detail())
                .doesNotContain("\u0000")
                .startsWith("no format reader recognizes its content (it starts with: r\uFFFDe\uFFFDq\uFFFD")
                .endsWith("; it holds NUL characters: UTF-16 text, or not text (usage files are UTF-8)");
    }

    private void assertEveryCutIsAnInvalidGzipFile(String name, String text) throws IOException {
        // given: the file cut inside its gzip header (after its first byte, which alone is no gzip file), its
        // compressed data and its trailer
        byte[] whole = gzip(text);
        List<Integer> cuts = new ArrayList<>();
        for (int length = 2; length < whole.length; length += length < 40 ? 1 : 97) {
            cuts.add(length);
        }
        for (int missing = 8; missing >= 1; missing--) {
            cuts.add(whole.length - missing);
        }
        List<String> details = new ArrayList<>();
        for (int length : cuts) {
            Path file = Files.write(dir.resolve(name), Arrays.copyOf(whole, length));

            // when
            FileScanner.Detection detection = scanner.detect(file);

            // then
            details.add(length + ": " + detection.status() + " " + detection.detail());
        }
        assertThat(details)
                .as("the %d bytes of the whole file", whole.length)
                .allSatisfy(detail -> assertThat(detail)
                        .contains(": FAILED not a valid gzip file: ")
                        .doesNotContain("null"))
                .anySatisfy(detail -> assertThat(detail)
                        .endsWith("it ends inside the header of gzip member 1 (cut short, or still being written)"))
                .anySatisfy(detail -> assertThat(detail)
                        .endsWith("it ends inside the compressed data of gzip member 1 (cut short, or still being"
                                + " written)"))
                .anySatisfy(detail -> assertThat(detail)
                        .endsWith("it ends inside the trailer of gzip member 1 (cut short, or still being written)"));
    }

    private static String usageCsv() {
        StringBuilder text = new StringBuilder(
                "request_id,timestamp,customer_id,provider,model,input_tokens,cache_read_tokens,"
                        + "cache_write_5m_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,service_tier,status\n");
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            text.append("req-")
                    .append(i)
                    .append(",2026-11-27T10:")
                    .append(10 + i % 50)
                    .append(":00Z,cust-")
                    .append(random.nextInt(40))
                    .append(",openai,gpt-4o,")
                    .append(random.nextInt(100_000))
                    .append(",0,0,0,")
                    .append(random.nextInt(5_000))
                    .append(",0,,ok\n");
        }
        return text.toString();
    }

    private static String usageJsonLines() {
        StringBuilder text = new StringBuilder();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2_000; i++) {
            text.append("{\"request_id\":\"req-")
                    .append(i)
                    .append("\",\"timestamp\":\"2026-11-27T10:00:00Z\",")
                    .append("\"customer_id\":\"cust-")
                    .append(random.nextInt(40))
                    .append("\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":")
                    .append(random.nextInt(100_000))
                    .append(",\"output_tokens\":")
                    .append(random.nextInt(5_000))
                    .append("}\n");
        }
        return text.toString();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
