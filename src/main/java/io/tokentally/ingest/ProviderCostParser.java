package io.tokentally.ingest;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Checks a cost format's record and makes it a {@link ProviderCost}; a pure function. */
public final class ProviderCostParser {

    private static final String[] REQUIRED = {
        CostColumns.BUCKET_KEY, CostColumns.DAY, CostColumns.PROVIDER, CostColumns.AMOUNT, CostColumns.CURRENCY
    };

    /** The longest text each column of {@code provider_cost} takes; a longer field is {@code FIELD_TOO_LONG}. */
    private static final Map<String, Integer> MAX_LENGTHS = maxLengths();

    /**
     * An amount or quantity of this size or more (in the unit written) is {@code NUMBER_TOO_LARGE}: more than any
     * bucket is charged, as the usage formats bound a count; the stored columns hold more.
     */
    private static final BigDecimal MAX_NUMBER = BigDecimal.TEN.pow(15);

    private ProviderCostParser() {}

    /** The outcome for one record: exactly one of {@code cost} and {@code reject} is set. */
    public record Result(ProviderCost cost, Reject reject) {}

    public static Result parse(long fileId, RawRecord record) {
        try {
            requireComplete(record);
            requireFitting(record);
            requireKnownTier(record);
            LocalDate day = day(record);
            BigDecimal amount = decimal(record, CostColumns.AMOUNT);
            BigDecimal quantity =
                    record.field(CostColumns.QUANTITY) == null ? null : decimal(record, CostColumns.QUANTITY);
            return new Result(cost(fileId, record, day, amount, quantity), null);
        } catch (RowException e) {
            return new Result(null, new Reject(fileId, record.lineNo(), e.code(), e.getMessage(), record.raw()));
        }
    }

    private static Map<String, Integer> maxLengths() {
        Map<String, Integer> limits = new LinkedHashMap<>();
        limits.put(CostColumns.PROVIDER, FieldLength.PROVIDER);
        limits.put(CostColumns.TOKEN_TYPE, 40);
        limits.put(CostColumns.SERVICE_TIER, 20);
        limits.put(CostColumns.CONTEXT_TIER, 20);
        limits.put(CostColumns.COST_TYPE, 50);
        limits.put(CostColumns.LINE_ITEM, 500);
        limits.put(CostColumns.PROJECT_ID, 200);
        limits.put(CostColumns.API_KEY_ID, 200);
        limits.put(CostColumns.AMOUNT_UNIT, 10);
        limits.put(CostColumns.CURRENCY, 3);
        limits.put(CostColumns.QUANTITY_UNIT, 40);
        // last: a key made of an over-long field above is refused naming that field
        limits.put(CostColumns.BUCKET_KEY, 1000);
        return limits;
    }

    /** Refuses a malformed record and one missing a required column. */
    private static void requireComplete(RawRecord record) {
        if (record.isMalformed()) {
            throw new RowException(RejectCode.MALFORMED_ROW, record.malformed());
        }
        for (String required : REQUIRED) {
            if (record.field(required) == null) {
                throw new RowException(RejectCode.MISSING_FIELD, record.nameOf(required) + " is absent");
            }
        }
    }

    /**
     * Refuses a field longer than its column takes (a stored row would fail the file's whole transaction), the model
     * as it is kept: with its provider, {@code provider/model}.
     */
    private static void requireFitting(RawRecord record) {
        String model = record.field(CostColumns.MODEL);
        int kept = model == null ? 0 : record.field(CostColumns.PROVIDER).length() + 1 + model.length();
        if (kept > FieldLength.MODEL) {
            throw new RowException(
                    RejectCode.FIELD_TOO_LONG,
                    "model with its provider (provider/model) " + FieldLength.tooLong(kept, FieldLength.MODEL));
        }
        for (Map.Entry<String, Integer> limit : MAX_LENGTHS.entrySet()) {
            String value = record.field(limit.getKey());
            if (value != null && value.length() > limit.getValue()) {
                throw new RowException(
                        RejectCode.FIELD_TOO_LONG,
                        record.nameOf(limit.getKey()) + " " + FieldLength.tooLong(value.length(), limit.getValue()));
            }
        }
    }

    /** Refuses a service tier that a usage file's row would be refused for ({@code INVALID_SERVICE_TIER}). */
    private static void requireKnownTier(RawRecord record) {
        String tier = record.field(CostColumns.SERVICE_TIER);
        if (tier != null) {
            UsageFieldRules.serviceTier(tier);
        }
    }

    /** The bucket's day; refuses a day column that is not an ISO date of the years 0000 to 9999. */
    private static LocalDate day(RawRecord record) {
        LocalDate day;
        try {
            day = LocalDate.parse(record.field(CostColumns.DAY));
        } catch (DateTimeParseException e) {
            throw new RowException(
                    RejectCode.INVALID_TIMESTAMP, "the bucket's day is not a date: " + record.field(CostColumns.DAY));
        }
        if (!SqlTime.isKept(day.atStartOfDay(ZoneOffset.UTC).toInstant())) {
            throw new RowException(RejectCode.INVALID_TIMESTAMP, "the bucket's day " + day + " " + SqlTime.NOT_KEPT);
        }
        return day;
    }

    /** The decimal number of a present column; refuses text that is none, and one of {@link #MAX_NUMBER} or more. */
    private static BigDecimal decimal(RawRecord record, String column) {
        String text = record.field(column);
        BigDecimal number;
        try {
            number = PlainNumbers.decimal(text.strip());
        } catch (NumberFormatException e) {
            throw new RowException(
                    RejectCode.INVALID_NUMBER, record.nameOf(column) + " is not a decimal number: " + text);
        }
        if (number.abs().compareTo(MAX_NUMBER) >= 0) {
            throw new RowException(
                    RejectCode.NUMBER_TOO_LARGE,
                    record.nameOf(column) + " is " + text + ", " + MAX_NUMBER.toPlainString() + " or more in size");
        }
        return number;
    }

    /**
     * The provider cost of a checked record, its amount converted to major units when given in cents. The amount
     * is kept exact to {@link Amounts#COST_SCALE} decimals, rounded half-up beyond (a float's last digits).
     */
    private static ProviderCost cost(
            long fileId, RawRecord record, LocalDate day, BigDecimal written, BigDecimal quantity) {
        String unit = record.field(CostColumns.AMOUNT_UNIT) == null ? "major" : record.field(CostColumns.AMOUNT_UNIT);
        BigDecimal amount = Amounts.atMostCostScale(written);
        BigDecimal major = unit.equals("cents") ? amount.movePointLeft(2) : amount;
        return new ProviderCost(
                fileId,
                record.lineNo(),
                record.field(CostColumns.BUCKET_KEY),
                day,
                record.field(CostColumns.PROVIDER),
                record.field(CostColumns.MODEL),
                null,
                record.field(CostColumns.TOKEN_TYPE),
                record.field(CostColumns.SERVICE_TIER),
                record.field(CostColumns.CONTEXT_TIER),
                record.field(CostColumns.COST_TYPE),
                record.field(CostColumns.LINE_ITEM),
                record.field(CostColumns.PROJECT_ID),
                record.field(CostColumns.API_KEY_ID),
                amount,
                unit,
                record.field(CostColumns.CURRENCY).toUpperCase(Locale.ROOT),
                major,
                quantity,
                record.field(CostColumns.QUANTITY_UNIT));
    }
}
