package io.tokentally.ingest;

import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Checks a cost format's record and makes it a {@link ProviderCost}; a pure function. */
public final class ProviderCostParser {

    private ProviderCostParser() {}

    /** The outcome for one record: exactly one of {@code cost} and {@code reject} is set. */
    public record Result(ProviderCost cost, Reject reject) {}

    public static Result parse(long fileId, RawRecord record) {
        Result incomplete = rejectIncomplete(fileId, record);
        if (incomplete != null) {
            return incomplete;
        }
        LocalDate day = day(record);
        if (day == null) {
            return reject(
                    fileId,
                    record,
                    RejectCode.INVALID_TIMESTAMP,
                    "the bucket's day is not a date: " + record.field(CostColumns.DAY));
        }
        BigDecimal amount = decimal(record.field(CostColumns.AMOUNT));
        if (amount == null) {
            return reject(
                    fileId,
                    record,
                    RejectCode.INVALID_NUMBER,
                    "amount is not a decimal number: " + record.field(CostColumns.AMOUNT));
        }
        String quantityText = record.field(CostColumns.QUANTITY);
        BigDecimal quantity = quantityText == null ? null : decimal(quantityText);
        if (quantityText != null && quantity == null) {
            return reject(
                    fileId, record, RejectCode.INVALID_NUMBER, "quantity is not a decimal number: " + quantityText);
        }
        return new Result(cost(fileId, record, day, amount, quantity), null);
    }

    /** The reject for a malformed record or one missing a required column, or {@code null} if it has them all. */
    private static Result rejectIncomplete(long fileId, RawRecord record) {
        if (record.isMalformed()) {
            return reject(fileId, record, RejectCode.MALFORMED_ROW, record.malformed());
        }
        for (String required : new String[] {
            CostColumns.BUCKET_KEY, CostColumns.DAY, CostColumns.PROVIDER, CostColumns.AMOUNT, CostColumns.CURRENCY
        }) {
            if (record.field(required) == null) {
                return reject(fileId, record, RejectCode.MISSING_FIELD, required + " is absent");
            }
        }
        return null;
    }

    /** The bucket's day, or {@code null} if the day column is not an ISO date. */
    private static LocalDate day(RawRecord record) {
        try {
            return LocalDate.parse(record.field(CostColumns.DAY));
        } catch (DateTimeParseException e) {
            return null;
        }
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

    private static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Result reject(long fileId, RawRecord record, RejectCode code, String message) {
        return new Result(null, new Reject(fileId, record.lineNo(), code, message, record.raw()));
    }
}
