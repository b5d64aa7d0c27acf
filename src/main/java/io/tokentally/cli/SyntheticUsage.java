package io.tokentally.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic gateway log in the usage CSV format: customers (1,000 by default) with a skewed
 * (Zipf-like) distribution, and 1% more customer ids that the customers file does not hold (the least used: about
 * 0.15% of rows, unattributed), ten models of three providers, cache and reasoning tokens, 1% error rows, 0.3% bad
 * rows of five kinds and duplicates: 0.4% of rows repeat the row before them (a retried log line), 0.1% its request
 * id with other numbers (a conflicting copy).
 */
final class SyntheticUsage {

    static final int DEFAULT_CUSTOMERS = 1_000;
    private static final String HEADER = "request_id,timestamp,customer_id,provider,model,input_tokens,"
            + "cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,"
            + "service_tier,status\n";
    private static final String[][] MODELS = {
        {"openai", "gpt-4o-2024-08-06"},
        {"openai", "gpt-4o-mini"},
        {"openai", "gpt-5"},
        {"openai", "o4-mini"},
        {"anthropic", "claude-sonnet-4-5-20250929"},
        {"anthropic", "claude-haiku-4-5"},
        {"anthropic", "claude-opus-4-1"},
        {"google", "gemini-2.5-pro"},
        {"google", "gemini-2.5-flash"},
        {"google", "gemini/gemini-2.5-flash-lite"}
    };

    private SyntheticUsage() {}

    /**
     * Writes {@code rows} rows over {@code files} files for the UTC day {@code date}; returns the files. Request
     * ids carry the date ({@code req-20261128-17}), so the logs of neighbouring days share none.
     */
    static Path[] write(Path folder, LocalDate date, long rows, int files, int customers, long seed)
            throws IOException {
        Files.createDirectories(folder);
        Path[] paths = new Path[files];
        SplittableRandom random = new SplittableRandom(seed);
        long dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant().getEpochSecond();
        String ids = "req-" + date.format(DateTimeFormatter.BASIC_ISO_DATE) + "-";
        long perFile = rows / files;
        long written = 0;
        for (int f = 0; f < files; f++) {
            paths[f] = folder.resolve(String.format("gateway-%02d.csv", f));
            long count = f == files - 1 ? rows - written : perFile;
            try (BufferedWriter out = Files.newBufferedWriter(paths[f], StandardCharsets.UTF_8)) {
                out.write(HEADER);
                String previous = null;
                for (long i = 0; i < count; i++) {
                    long n = written + i;
                    previous = row(random, ids, n, dayStart + (86_400L * n) / rows, customers, previous);
                    out.write(previous);
                }
            }
            written += count;
        }
        return paths;
    }

    private static String row(
            SplittableRandom random, String ids, long n, long epochSecond, int customers, String previous) {
        int roll = random.nextInt(1000);
        if (roll < 3) {
            return bad(ids + n, Instant.ofEpochSecond(epochSecond), n);
        }
        if (roll < 7 && previous != null) {
            return previous;
        }
        long id = roll < 8 && n > 0 ? n - 1 : n;
        String[] model = MODELS[skewed(random, MODELS.length)];
        String customer = String.format("cust-%04d", skewed(random, customers + customers / 100) + 1);
        long input = 200 + random.nextInt(8_000);
        long cached = random.nextInt(4) == 0 ? input / 2 : 0;
        long cacheWrite = model[0].equals("anthropic") && random.nextInt(5) == 0 ? input / 4 : 0;
        long output = 20 + random.nextInt(1_500);
        long reasoning = model[1].startsWith("o4") || model[1].equals("gpt-5") ? output / 3 : 0;
        String tier = random.nextInt(50) == 0 ? "batch" : "";
        String status = random.nextInt(100) == 0 ? "error" : "ok";
        return ids + id + "," + Instant.ofEpochSecond(epochSecond) + "," + customer + "," + model[0] + "," + model[1]
                + "," + input + "," + cached + "," + cacheWrite + ",0," + output + "," + reasoning + "," + tier + ","
                + status + "\n";
    }

    /**
     * A row the engine rejects, of five kinds in turn: a count that is no whole number ({@code INVALID_NUMBER}), a
     * field too few and a double quote inside a field ({@code MALFORMED_ROW}), a timestamp without its offset ({@code
     * TIMESTAMP_WITHOUT_OFFSET}), a negative count ({@code NEGATIVE_NUMBER}).
     */
    private static String bad(String id, Instant at, long n) {
        String row = id + "," + at + ",cust-0001,openai,gpt-4o,100,0,0,0,10,0,,ok\n";
        return switch ((int) (n % 5)) {
            case 0 -> row.replace(",100,", ",12.5,");
            case 1 -> row.replace(",,ok", ",ok");
            case 2 -> row.replace(",openai,", ",open\"ai,");
            case 3 -> row.replace("Z,", ",");
            default -> row.replace(",100,", ",-100,");
        };
    }

    /** An index in [0, size) where small indexes are much more likely (roughly Zipf with s = 1). */
    private static int skewed(SplittableRandom random, int size) {
        double u = random.nextDouble();
        return (int) Math.min(size - 1, Math.floor(Math.pow(size + 1.0, u)) - 1);
    }

    static void writeCustomers(Path file, int customers) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("customer_id,stripe_customer_id,plan_id,name\n");
            for (int c = 1; c <= customers; c++) {
                String plan = c % 3 == 0 ? "growth" : "payg";
                out.write(String.format("cust-%04d,cus_bench%04d,%s,Customer %d%n", c, c, plan, c));
            }
        }
    }
}
