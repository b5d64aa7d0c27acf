package io.tokentally;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/** Usage files for job tests: the usage CSV header and deterministic rows spread over a day. */
public final class UsageFixtures {

    public static final String HEADER = "request_id,timestamp,customer_id,provider,model,input_tokens,"
            + "cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,"
            + "service_tier,status";

    private UsageFixtures() {}

    public static void write(Path file, String... rows) throws IOException {
        Files.writeString(file, HEADER + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * {@code count} rows over the UTC day, for the given customers, over gpt-4o (some batch),
     * gpt-4o-mini and claude-sonnet-4-5 (with cache reads and writes); request ids {@code prefix-i}.
     */
    public static String[] rows(String prefix, LocalDate day, int count, long seed, String... customers) {
        SplittableRandom random = new SplittableRandom(seed);
        String[][] models = {{"openai", "gpt-4o"}, {"openai", "gpt-4o-mini"}, {"anthropic", "claude-sonnet-4-5"}};
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        String[] rows = new String[count];
        for (int i = 0; i < count; i++) {
            String[] model = models[random.nextInt(models.length)];
            long input = 100 + random.nextInt(5_000);
            long cached = model[1].equals("gpt-4o-mini") ? 0 : input / 4;
            long cacheWrite = model[0].equals("anthropic") ? input / 10 : 0;
            String tier = model[1].equals("gpt-4o") && random.nextInt(10) == 0 ? "batch" : "";
            rows[i] = prefix + "-" + i + "," + start.plusSeconds(86_400L * i / count) + ","
                    + customers[random.nextInt(customers.length)] + "," + model[0] + "," + model[1] + "," + input + ","
                    + cached + "," + cacheWrite + ",0," + (10 + random.nextInt(900)) + ",0," + tier + ",ok";
        }
        return rows;
    }
}
