package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderCostParserTests {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // written,               unit,  as written (18 decimals at most), in dollars
        "0.06935999999999999,     major, 0.06935999999999999,     0.06935999999999999",
        "1.123456789012345678,    major, 1.123456789012345678,    1.123456789012345678",
        "0.000000000000001,       major, 0.000000000000001,       0.000000000000001",
        "12.3456789012345678,     cents, 12.3456789012345678,     0.123456789012345678",
        "1.1234567890123456785,   major, 1.123456789012345679,    1.123456789012345679",
        "1.12345678901234567849,  cents, 1.123456789012345678,    0.01123456789012345678"
    })
    void keepsAChargeExactToEighteenDecimalsAsWrittenRoundingHalfUpBeyond(
            String written, String unit, String amount, String dollars) {
        // when
        ProviderCost cost = ProviderCostParser.parse(7, record(written, unit)).cost();

        // then
        assertThat(cost.amount()).isEqualTo(amount);
        assertThat(cost.amountMajor().toPlainString()).isEqualTo(dollars);
    }

    @Test
    void aChargeOfCentsIsAHundredthInDollars() {
        // when
        ProviderCost cost = ProviderCostParser.parse(7, record("250", "cents")).cost();

        // then
        assertThat(cost.amountMajor()).isEqualByComparingTo("2.5");
        assertThat(cost.amountUnit()).isEqualTo("cents");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"999999999999999.999999, ", "-999999999999999, ", "0.01, 999999999999999.5"})
    void takesAnAmountAndQuantityBelowAQuadrillion(String amount, String quantity) {
        // when
        ProviderCostParser.Result parsed = ProviderCostParser.parse(7, record(amount, "major", quantity, "usd"));

        // then
        assertThat(parsed.reject()).isNull();
        assertThat(parsed.cost().amount()).isEqualByComparingTo(amount);
        assertThat(parsed.cost().quantity()).isEqualTo(quantity == null ? null : new BigDecimal(quantity));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1000000000000000  | 1     | usd     | NUMBER_TOO_LARGE | amount is 1000000000000000, 1000000000000000 or more in size",
                "-1E+15            | 1     | usd     | NUMBER_TOO_LARGE | amount is -1E+15, 1000000000000000 or more in size",
                "0.01              | 1e40  | usd     | NUMBER_TOO_LARGE | quantity is 1e40, 1000000000000000 or more in size",
                "0.01              | 1     | dollars | FIELD_TOO_LONG   | currency has 7 characters; at most 3 are allowed",
                "0.01              | x     | usd     | INVALID_NUMBER   | quantity is not a decimal number: x"
            })
    void refusesATooLargeAmountOrQuantityAndATooLongCurrency(
            String amount, String quantity, String currency, RejectCode code, String message) {
        // when
        Reject reject = ProviderCostParser.parse(7, record(amount, "major", quantity, currency))
                .reject();

        // then
        assertThat(reject.code()).isEqualTo(code);
        assertThat(reject.message()).isEqualTo(message);
    }

    @Test
    void keepsAModelOf200CharactersWithItsProviderAndRefusesOneMore() {
        // given lines of models the catalog does not know: they are kept as provider/model (openai/ and 193 or 194)
        RawRecord fits = modelRecord("m".repeat(193));
        RawRecord tooLong = modelRecord("m".repeat(194));

        // when
        ProviderCostParser.Result kept = ProviderCostParser.parse(7, fits);
        ProviderCostParser.Result refused = ProviderCostParser.parse(7, tooLong);

        // then
        assertThat(kept.reject()).isNull();
        assertThat(refused.reject().code()).isEqualTo(RejectCode.FIELD_TOO_LONG);
        assertThat(refused.reject().message())
                .isEqualTo("model with its provider (provider/model) has 201 characters; at most 200 are allowed");
    }

    @Test
    void refusesABucketDayPastTheYear9999() {
        // given an Anthropic bucket starting in the year 10000 (PostgreSQL keeps dates up to 5874897, Java's further)
        RawRecord record = record(Map.of(CostColumns.DAY, "+10000-01-01", CostColumns.AMOUNT, "0.01"));

        // when
        Reject reject = ProviderCostParser.parse(7, record).reject();

        // then
        assertThat(reject.code()).isEqualTo(RejectCode.INVALID_TIMESTAMP);
        assertThat(reject.message()).isEqualTo("the bucket's day +10000-01-01 is outside the years 0000 to 9999 (UTC)");
    }

    private static RawRecord modelRecord(String model) {
        return record(Map.of(CostColumns.AMOUNT, "0.01", CostColumns.MODEL, model));
    }

    private static RawRecord record(String amount, String unit) {
        return record(amount, unit, null, "usd");
    }

    private static RawRecord record(String amount, String unit, String quantity, String currency) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(CostColumns.AMOUNT, amount);
        fields.put(CostColumns.AMOUNT_UNIT, unit);
        fields.put(CostColumns.CURRENCY, currency);
        fields.put(CostColumns.QUANTITY, quantity);
        return record(fields);
    }

    /** A record of an OpenAI cost bucket of 2026-11-20 with {@code fields} (currency USD unless they give one). */
    private static RawRecord record(Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(CostColumns.BUCKET_KEY, "openai-cost:1/2");
        all.put(CostColumns.DAY, "2026-11-20");
        all.put(CostColumns.PROVIDER, "openai");
        all.put(CostColumns.CURRENCY, "usd");
        all.putAll(fields);
        Map<String, Integer> columns = new HashMap<>();
        for (String column : all.keySet()) {
            columns.put(column, columns.size());
        }
        return new RawRecord(3, "{}", columns, all.values().toArray(String[]::new), null);
    }
}
