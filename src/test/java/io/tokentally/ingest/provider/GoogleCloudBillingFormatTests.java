package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.records;
import static io.tokentally.ingest.provider.ProviderFixtures.rejects;
import static io.tokentally.ingest.provider.ProviderFixtures.rows;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.UsageRow;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoogleCloudBillingFormatTests {

    static final String EXPORT = "gcp-billing-export-vertex-claude-and-gemini-api.csv";
    static final GcpSkuPatterns PATTERNS = defaultPatterns();

    final GoogleCloudBillingFormat format = new GoogleCloudBillingFormat(CustomerAttribution.none(), PATTERNS);

    @ParameterizedTest(name = "row {0}")
    @CsvSource({
        // row, provider, model, input, read, 5m, 1h, output, reasoning, tier, context
        // one SKU is one token type; cached input is part of input (the usage format's convention)
        "0, vertex_ai, gemini-2.5-flash, 120000, 0, 0, 0, 0, 0, STANDARD, STANDARD",
        "1, vertex_ai, gemini-2.5-flash, 30000, 30000, 0, 0, 0, 0, STANDARD, STANDARD",
        // the thinking SKU is output, kept as its reasoning sub-count too
        "2, vertex_ai, gemini-2.5-flash, 0, 0, 0, 0, 8000, 8000, STANDARD, STANDARD",
        "3, vertex_ai, gemini-2.5-flash, 0, 0, 0, 0, 12000, 0, STANDARD, STANDARD",
        "4, vertex_ai, gemini-2.5-pro, 250000, 0, 0, 0, 0, 0, STANDARD, LONG",
        "5, vertex_ai, gemini-2.5-flash, 50000, 0, 0, 0, 0, 0, BATCH, STANDARD",
        "6, vertex_ai, gemini-2.5-flash, 0, 0, 0, 0, 1000, 0, PRIORITY, STANDARD",
        // Claude on Vertex: dotted and spaced versions read with dashes; the 200001+ window is long
        "7, anthropic, claude-sonnet-4-6, 40000, 0, 0, 0, 0, 0, STANDARD, STANDARD",
        "8, anthropic, claude-opus-4-8, 5000, 0, 0, 5000, 0, 0, STANDARD, LONG",
        "9, anthropic, claude-sonnet-4-6, 0, 0, 0, 0, 6000, 0, STANDARD, STANDARD",
        // the Gemini API: short and long input text
        "10, gemini, gemini-2.5-flash, 9000, 0, 0, 0, 0, 0, STANDARD, STANDARD",
        "11, gemini, gemini-2.5-flash, 0, 0, 0, 0, 700, 0, STANDARD, LONG",
        // an hour with usage.amount 0 is an empty bucket: zero tokens, not unknown
        "12, vertex_ai, gemini-2.5-flash, 0, 0, 0, 0, 0, 0, STANDARD, STANDARD"
    })
    void mapsEachSkuToItsModelTokenTypeAndTiers(
            int index,
            String provider,
            String model,
            long input,
            long cacheRead,
            long write5m,
            long write1h,
            long output,
            long reasoning,
            ServiceTier tier,
            ContextTier context) {
        // when
        UsageRow row = rows(format, EXPORT).get(index);

        // then
        assertThat(row.provider()).isEqualTo(provider);
        assertThat(row.model()).isEqualTo(model);
        assertThat(tokens(row)).containsExactly(input, cacheRead, write5m, write1h, output, reasoning);
        assertThat(row.serviceTier()).isEqualTo(tier);
        assertThat(row.contextTier()).isEqualTo(context);
    }

    @Test
    void readsBigQueryTimestampsAndNamesTheProjectAsTheCustomerWithoutAMapping() {
        // when
        List<UsageRow> rows = rows(format, EXPORT);

        // then
        assertThat(rows.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(rows.get(0).customerId()).isEqualTo("acme-prod");
        assertThat(rows.get(7).customerId()).isEqualTo("globex-ml");
        assertThat(rows.get(12).timestamp()).isEqualTo(Instant.parse("2026-11-27T11:00:00Z"));
        assertThat(rows.get(0).requestId())
                .isEqualTo("gcp-billing:2026-11-27 10:00:00Z/2026-11-27 11:00:00Z:acme-prod:8A1D-5C0F-11E2:"
                        + "Gemini 2.5 Flash Text Input - Predictions:-:us-central1:-:-:2026-11-27 13:05:12.123456Z:{}");
    }

    @Test
    void namesABucketByTheInstantsItsTimesWriteWhateverTheirSpelling() {
        // given the export's rows written with ISO-8601 times, as a client other than BigQuery's may write them
        String export = ProviderFixtures.text(EXPORT);
        String respelled = export.replace("2026-11-27 10:00:00 UTC", "2026-11-27T10:00:00Z")
                .replace("2026-11-27 11:00:00 UTC", "2026-11-27T11:00:00+00:00")
                .replace("2026-11-27 13:05:12.123456 UTC", "2026-11-27T13:05:12.123456Z");
        assertThat(respelled).isNotEqualTo(export);

        // then the same buckets: a newer export replaces them instead of adding to them
        assertThat(ProviderFixtures.rowsOf(format, respelled))
                .extracting(UsageRow::requestId)
                .containsExactlyElementsOf(
                        rows(format, EXPORT).stream().map(UsageRow::requestId).toList());
    }

    @Test
    void keepsBigQuerysTextOfATimeInTheBucketIdAsWrittenFractionDigitsIncluded() {
        // given an export time whose microseconds end in zeros, as BigQuery writes them, and the same instant in ISO
        String export = ProviderFixtures.text(EXPORT);
        String bigQuery = export.replace("2026-11-27 13:05:12.123456 UTC", "2026-11-27 13:05:12.120000 UTC");
        String iso = export.replace("2026-11-27 13:05:12.123456 UTC", "2026-11-27T13:05:12.12Z");

        // then the id a bucket read before had, whichever spelling
        assertThat(ProviderFixtures.rowsOf(format, bigQuery).get(0).requestId())
                .contains(":2026-11-27 13:05:12.120000Z:");
        assertThat(ProviderFixtures.rowsOf(format, iso).get(0).requestId())
                .isEqualTo(ProviderFixtures.rowsOf(format, bigQuery).get(0).requestId());
    }

    @Test
    void attributesByALabelWhenItIsConfiguredFirst() {
        // given: customers named by the label 'customer', else by the project
        GoogleCloudBillingFormat byLabel = new GoogleCloudBillingFormat(
                new CustomerAttribution(Map.of(), Map.of("gcp", List.of("label.customer", "project_id"))), PATTERNS);

        // when
        List<UsageRow> rows = rows(byLabel, EXPORT);

        // then
        assertThat(rows.get(10).customerId()).isEqualTo("hooli");
        assertThat(rows.get(0).customerId()).isEqualTo("acme-prod");
    }

    @Test
    void attributesProjectsThroughTheMappingFile(@TempDir Path folder) throws IOException {
        // given
        Path mapping = folder.resolve("keys.csv");
        Files.writeString(mapping, "key,value,customer_id\ngcp.project_id,globex-ml,globex\n");
        GoogleCloudBillingFormat mapped = new GoogleCloudBillingFormat(
                CustomerAttribution.of(new AttributionProperties(mapping, Map.of())), PATTERNS);

        // then
        assertThat(rows(mapped, EXPORT).get(7).customerId()).isEqualTo("globex");
    }

    @Test
    void rejectsEveryRowItCannotBillWithItsReasonNeverDroppingOne() {
        // then: 19 rows, 13 usage rows, 6 rejects in file order
        assertThat(records(format, EXPORT)).hasSize(19);
        assertThat(rejects(format, EXPORT))
                .containsExactly(
                        "MALFORMED_ROW: SKU 'Gemini 2.5 Flash Text Input Cache Storage - Predictions' is not token usage"
                                + " (SKU table pattern 1: explicit cache storage is billed per token-hour and tokentally"
                                + " has no price for it): not billed",
                        "MALFORMED_ROW: SKU 'Gemini 2.5 Flash Audio Input - Predictions' matches no pattern of the SKU"
                                + " table (tokentally.gcp.sku-patterns): not billed",
                        "MALFORMED_ROW: SKU 'N1 Predefined Instance Core running in Americas' matches no pattern of"
                                + " the SKU table (tokentally.gcp.sku-patterns): not billed",
                        "MALFORMED_ROW: usage_amount is empty: the row cannot be billed",
                        "MALFORMED_ROW: cost_type 'tax' is not usage: not billed",
                        "MALFORMED_ROW: the row has 10 fields, the header 15");
        // the malformed row's line is its physical line (header = line 1, 19 data rows)
        List<RawRecord> records = records(format, EXPORT);
        assertThat(records.get(18).lineNo()).isEqualTo(20);
    }

    @Test
    void failsAFileThatIsNotValidCsvAsAWhole() {
        // given: an unterminated quote swallows the rest of the file
        String content = ProviderFixtures.text(EXPORT) + "x,\"Vertex AI,unterminated\n";

        // then
        assertThatThrownBy(() -> ProviderFixtures.recordsOf(format, content)).isInstanceOf(FileFormatException.class);
    }

    @Test
    void claimsTheExportButNoOtherProviderFixture() {
        assertThat(format.claims(ProviderFixtures.text(EXPORT))).isTrue();
        assertThat(format.claims("billing_account_id,sku_description,usage_start_time,usage_amount\n"))
                .isTrue();
        for (String other : List.of(
                GatewayLogFormatsTests.LITELLM_FILE,
                GatewayLogFormatsTests.CLOUDFLARE_FILE,
                AnthropicMessagesUsageFormatTests.HOURLY,
                OpenAiCompletionsUsageFormatTests.CURRENT,
                VercelGatewayReportFormatTests.REPORT)) {
            assertThat(format.claims(ProviderFixtures.text(other))).as(other).isFalse();
        }
    }

    @Test
    void takesTheFirstMatchingPatternOfAnOverridingTable() {
        // given: a table whose catch-all row comes after a specific one
        GcpSkuPatterns table = GcpSkuPatterns.read(
                "sku_pattern,provider,model,token_type\n"
                        + "\"^Gemini (?<model>.+?) Text Input - Predictions$\",vertex_ai,gemini-{model},input\n"
                        + "\"^Gemini .*$\",,,none\n",
                "test table");

        // then
        assertThat(table.match("Gemini 3 Pro Text Input - Predictions").model()).isEqualTo("gemini-3-pro");
        assertThat(table.match("Gemini 3 Pro Text Output - Predictions").tokenType())
                .isEqualTo("none");
        assertThat(table.match("Cloud Storage")).isNull();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"^(Gemini\",vertex_ai,x,input|test table line 2: sku_pattern is not a regular expression",
                // the kinds in their own order: a set's changed from one start to the next
                "\"^Gemini$\",vertex_ai,x,tokens|test table line 2: token_type 'tokens' is not one of input,"
                        + " cache_read, cache_write_5m, cache_write_1h, output, reasoning, none",
                // a row that leaves out a required field, not only the optional ones
                "\"^Gemini$\",vertex_ai,x|test table line 2: token_type is empty; it must be one of",
                "\"^Gemini$\",,,input|test table line 2: provider and model are required unless token_type is none",
                // a misspelt placeholder would hold the usage as model google/{modl}, unpriced
                "\"^Gemini (?<model>.+)$\",vertex_ai,gemini-{modl},input|test table line 2: model uses {modl} but"
                        + " sku_pattern has no (?<modl>...) group; its groups are model",
                "\"^Gemini .+$\",vertex_ai,gemini-{model},input|test table line 2: model uses {model} but sku_pattern"
                        + " has no (?<model>...) group; it has no named group",
                "\"^Gemini (?<model>.+)$\",vertex_ai,gemini-{model,input|test table line 2: model 'gemini-{model' has"
                        + " a { or } outside a {group} placeholder",
                // more fields than the header: which column a value belongs to is a guess
                "\"^Gemini (?<model>.+)$\",vertex_ai,gemini-{model},input,batch|test table line 2: the row has 5"
                        + " fields but the header has 4"
            })
    void refusesABadRowNamingItsLine(String row, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> GcpSkuPatterns.read("sku_pattern,provider,model,token_type\n" + row + "\n", "test table"))
                .withMessageStartingWith(message);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "sku_pattern,provider,model,token_type,region|test table: the header names unknown column region;"
                        + " the columns are sku_pattern, provider, model, token_type, service_tier, context_tier, note",
                "sku_pattern,provider,model,token_type,note,note|test table: the header names column note twice"
            })
    void refusesAHeaderColumnTheTableDoesNotKnowOrNamesTwice(String header, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> GcpSkuPatterns.read(header + "\n", "test table"))
                .withMessage(message);
    }

    @Test
    void fillsEveryPlaceholderOfTheModelFromItsGroupAndTakesAGroupNoPlaceholderReads() {
        // given: two placeholders; a lookbehind, which names no group; a group named for a backreference, one named
        // for the reader of the table; a row that leaves out its optional fields
        GcpSkuPatterns table = GcpSkuPatterns.read(
                "sku_pattern,provider,model,token_type,service_tier,context_tier,note\n"
                        + "\"^(?<family>Gemini|Gemma) (?<version>[\\d.]+)(?<! 0) Text Input$\",vertex_ai,"
                        + "{family}-{version},input\n"
                        + "\"^(?<word>\\w+) \\k<word> (?<model>.+) Output$\",vertex_ai,{model},output,,,\n"
                        + "\"^Gemini (?<version>[\\d.]+) Flash Lite Input$\",vertex_ai,gemini-2.0-flash-lite,input\n",
                "test table");

        // when, then
        assertThat(table.match("Gemma 3 Text Input").model()).isEqualTo("gemma-3");
        assertThat(table.match("Gemini Gemini 3 Pro Output").model()).isEqualTo("3-pro");
        assertThat(table.match("Gemini 2.0 Flash Lite Input").model()).isEqualTo("gemini-2.0-flash-lite");
    }

    @Test
    void readsATierGroupNamedInAnyLetterCase() {
        // given (?<Long>...) and (?<Batch>...): read as standard, they billed long-context and batch usage at standard
        GcpSkuPatterns table = GcpSkuPatterns.read(
                "sku_pattern,provider,model,token_type\n"
                        + "\"^Gemini (?<model>.+?)(?<Long> Long)?(?<Batch> Batch)? Input$\",vertex_ai,gemini-{model},input\n",
                "test table");

        // when
        GcpSkuPatterns.Sku sku = table.match("Gemini 2.5 Pro Long Batch Input");

        // then
        assertThat(sku.model()).isEqualTo("gemini-2.5-pro");
        assertThat(sku.contextTier()).isEqualTo("long");
        assertThat(sku.serviceTier()).isEqualTo("batch");
    }

    @Test
    void readsATableFileSavedWithAByteOrderMark(@TempDir Path folder) throws Exception {
        // given: as a spreadsheet saves "CSV UTF-8"
        Path file = Files.writeString(
                folder.resolve("skus.csv"),
                "\uFEFFsku_pattern,provider,model,token_type\n\"^Gemini (?<model>.+) Input$\",vertex_ai,gemini-{model},input\n");

        // when
        GcpSkuPatterns table = new ProviderFormatsConfiguration().gcpSkuPatterns(new GcpBillingProperties(file));

        // then
        assertThat(table.match("Gemini 3 Pro Input").model()).isEqualTo("gemini-3-pro");
    }

    @Test
    void refusesAFolderGivenAsTheTableSayingItIsAFolder(@TempDir Path folder) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ProviderFormatsConfiguration().gcpSkuPatterns(new GcpBillingProperties(folder)))
                .withMessage("tokentally.gcp.sku-patterns: " + folder.toAbsolutePath() + " is a folder, not a file");
    }

    @Test
    void refusesAMissingTableNamingTheProperty() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ProviderFormatsConfiguration()
                        .gcpSkuPatterns(new GcpBillingProperties(Path.of("no-such-sku-patterns.csv"))))
                .withMessageStartingWith("tokentally.gcp.sku-patterns: the file ")
                .withMessageEndingWith("no-such-sku-patterns.csv does not exist");
    }

    /** The table in the jar, as the engine reads it without {@code tokentally.gcp.sku-patterns}. */
    static GcpSkuPatterns defaultPatterns() {
        return new ProviderFormatsConfiguration().gcpSkuPatterns(new GcpBillingProperties(null));
    }
}
