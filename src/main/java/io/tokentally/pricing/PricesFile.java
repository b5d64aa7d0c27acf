package io.tokentally.pricing;

import io.tokentally.ingest.CsvRow;
import io.tokentally.ingest.CsvTable;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.OffsetTimes;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.ProviderNames;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.ShownText;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a prices file: one row per (model, token type, tiers, effective instant) with USD per 1M
 * units. See sample-data/README.md for the columns.
 */
public final class PricesFile {

    static final Instant BEGINNING = Instant.parse("1970-01-01T00:00:00Z");
    static final int MAX_SCALE = Amounts.PRICE_SCALE;

    /**
     * A price at or above this is refused: more than any model costs, and a dearer price times an hour's tokens
     * (up to 10^15 in one file) would pass what a stored cost holds.
     */
    static final BigDecimal MAX_USD_PER_MILLION = BigDecimal.valueOf(1_000_000);

    /** What every refusal of a changed price version ends with. */
    static final String VERSIONED = "Prices are versioned: add a row with a later effective_from instead";

    private PricesFile() {}

    public static List<Price> read(Path file) throws IOException {
        return read(file, file.toString());
    }

    /** Reads a copy of a prices file, naming it {@code shown} (the feed it came from) in problems. */
    public static List<Price> read(Path file, String shown) throws IOException {
        List<Price> prices = new ArrayList<>();
        Map<Price.Key, Row> firsts = new HashMap<>();
        Map<ModelVersion, Row> thresholds = new HashMap<>();
        List<Row> rows = rows(file, shown);
        for (Row row : rows) {
            refuseAnotherThreshold(row, thresholds);
            Row earlier = firsts.putIfAbsent(row.price().key(), row);
            if (earlier == null) {
                prices.add(row.price());
            } else if (earlier.price().usdPerMillion().compareTo(row.price().usdPerMillion()) != 0) {
                throw row.csv()
                        .problem(row.price().key() + " is "
                                + earlier.price().usdPerMillion().toPlainString() + " on line "
                                + earlier.csv().lineNo()
                                + " and " + row.price().usdPerMillion().toPlainString() + " here. " + VERSIONED);
            }
        }
        refuseLongPricesWithoutThreshold(rows, thresholds.keySet());
        return prices;
    }

    /**
     * Refuses a long-context price of a model for which no row from the same instant or earlier gives a
     * threshold: no request of it would ever count as long-context (only an export's rows tiered as long would
     * be priced at it), so its long prompts would be billed at the standard price, silently.
     */
    private static void refuseLongPricesWithoutThreshold(List<Row> rows, Set<ModelVersion> thresholds) {
        for (Row row : rows) {
            Price price = row.price();
            if (price.contextTier() == ContextTier.LONG
                    && thresholds.stream()
                            .noneMatch(version -> version.model().equals(price.model())
                                    && !version.effectiveFrom().isAfter(price.effectiveFrom()))) {
                throw row.csv()
                        .problem(price.model() + " has a long context_tier price from " + price.effectiveFrom()
                                + " but no long_context_threshold in force then: give the prompt tokens above which"
                                + " its requests are long-context on a row of the model from then or earlier");
            }
        }
    }

    /**
     * The refusal of a version the file's prices would change, said with the file and the line that gives it, as a
     * fault of the file's own is.
     */
    public static IllegalArgumentException refusal(Path file, PriceRepository.ChangedVersion refused)
            throws IOException {
        for (Row row : rows(file, file.toString())) {
            if (row.price().key().equals(refused.key())) {
                return row.csv().problem(refused.getMessage());
            }
        }
        return new IllegalArgumentException(file + ": " + refused.getMessage(), refused);
    }

    /** A model's prices effective from one instant: they share one long-context threshold. */
    private record ModelVersion(String model, Instant effectiveFrom) {}

    private static void refuseAnotherThreshold(Row row, Map<ModelVersion, Row> thresholds) {
        Price price = row.price();
        if (price.longContextThreshold() == null) {
            return;
        }
        Row first = thresholds.putIfAbsent(new ModelVersion(price.model(), price.effectiveFrom()), row);
        if (first != null && !first.price().longContextThreshold().equals(price.longContextThreshold())) {
            throw row.csv()
                    .problem("long_context_threshold of " + price.model() + " from " + price.effectiveFrom() + " is "
                            + first.price().longContextThreshold() + " on line "
                            + first.csv().lineNo() + " and "
                            + price.longContextThreshold() + " here; a model's prices from one instant share one"
                            + " threshold");
        }
    }

    /** A price as one line of the file gives it. */
    private record Row(Price price, CsvRow csv) {}

    private static List<Row> rows(Path file, String shown) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (CsvRow row : CsvTable.readStrictly(
                file,
                shown,
                List.of("model", "token_type", "usd_per_million"),
                List.of("provider", "service_tier", "context_tier", "effective_from", "long_context_threshold"))) {
            rows.add(new Row(toPrice(row, file.getFileName().toString()), row));
        }
        return rows;
    }

    private static Price toPrice(CsvRow row, String origin) {
        return new Price(
                0,
                model(row),
                parse(
                        row,
                        "token_type",
                        TokenType::fromCode,
                        Arrays.stream(TokenType.values()).map(TokenType::code).collect(Collectors.joining(", "))),
                row.get("service_tier") == null
                        ? ServiceTier.STANDARD
                        : ServiceTier.parse(row.get("service_tier"))
                                .orElseThrow(() -> row.problem("service_tier '" + row.get("service_tier")
                                        + "' is not one of standard, batch, priority, flex")),
                row.get("context_tier") == null
                        ? ContextTier.STANDARD
                        : parse(row, "context_tier", ContextTier::fromCode, "standard, long"),
                effectiveFrom(row),
                usdPerMillion(row),
                threshold(row),
                origin);
    }

    /** The row's canonical {@code provider/model}, refused when no usage could be priced under it. */
    private static String model(CsvRow row) {
        String model = row.requireVisible("model").toLowerCase(Locale.ROOT);
        String provider = row.get("provider");
        if (!model.contains("/")) {
            if (provider == null) {
                throw row.problem(
                        row.has("provider")
                                ? "model '" + model
                                        + "' must be written provider/model, or this row's provider given (it is empty)"
                                : "model '" + model + "' must be written provider/model, or a provider column given");
            }
            model = ProviderNames.canonical(provider) + "/" + model;
        }
        String named = model.substring(0, model.indexOf('/'));
        if (named.isEmpty() || model.endsWith("/")) {
            throw row.problem("model '" + model + "' must name both a provider and a model: provider/model");
        }
        if (provider != null && !ProviderNames.canonical(provider).equals(ProviderNames.canonical(named))) {
            throw row.problem("provider '" + provider + "' is not the provider of model '" + model
                    + "'; give a canonical provider/model and no provider, or a provider and its bare model");
        }
        if (model.length() > FieldLength.MODEL) {
            throw row.problem("model " + model + " " + FieldLength.tooLong(model.length(), FieldLength.MODEL));
        }
        if (named.length() > FieldLength.PROVIDER) {
            throw row.problem("provider " + named + " " + FieldLength.tooLong(named.length(), FieldLength.PROVIDER));
        }
        Optional<String> priced = ModelIds.pricedElsewhere(model);
        if (priced.isPresent()) {
            throw row.problem("model '" + model + "' prices no usage: usage of it is priced as '" + priced.get()
                    + "'; write the model so");
        }
        return model;
    }

    private static <T> T parse(
            CsvRow row, String column, java.util.function.Function<String, T> parser, String allowed) {
        String value = row.require(column);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw row.problem(column + " '" + value + "' is not one of " + allowed);
        }
    }

    private static BigDecimal usdPerMillion(CsvRow row) {
        String text = row.require("usd_per_million");
        BigDecimal value;
        try {
            value = PlainNumbers.decimal(text);
        } catch (NumberFormatException e) {
            throw row.problem("usd_per_million '" + text + "' is not a decimal number");
        }
        if (value.signum() < 0) {
            throw row.problem("usd_per_million is negative: " + text);
        }
        if (value.stripTrailingZeros().scale() > MAX_SCALE) {
            throw row.problem("usd_per_million " + text + " has more than " + MAX_SCALE + " decimals");
        }
        if (value.compareTo(MAX_USD_PER_MILLION) >= 0) {
            throw row.problem("usd_per_million " + text + " is not less than " + MAX_USD_PER_MILLION
                    + " (a dollar a token, more than any model costs)");
        }
        return value;
    }

    private static Instant effectiveFrom(CsvRow row) {
        String text = row.get("effective_from");
        if (text == null) {
            return BEGINNING;
        }
        Instant from;
        try {
            from = text.length() == 10
                    ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw row.problem("effective_from " + ShownText.quoted(text)
                    + " is neither a date (YYYY-MM-DD, UTC) nor an ISO-8601 instant"
                    + (OffsetTimes.lacksOffset(text) ? ": it " + OffsetTimes.NO_OFFSET : ""));
        }
        if (!SqlTime.isKept(from)) {
            throw row.problem("effective_from " + text + " " + SqlTime.NOT_KEPT);
        }
        if (!SqlTime.isWholeMicros(from)) {
            // stored rounded, it would not match the file's version at the next load, which would add it again
            throw row.problem("effective_from " + text + " " + SqlTime.FINER_THAN_KEPT);
        }
        return from;
    }

    private static Long threshold(CsvRow row) {
        String text = row.get("long_context_threshold");
        if (text == null) {
            return null;
        }
        try {
            long value = PlainNumbers.wholeLong(text);
            if (value <= 0) {
                throw row.problem("long_context_threshold must be positive: " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw row.problem("long_context_threshold '" + text + "' is not a whole number");
        }
    }
}
