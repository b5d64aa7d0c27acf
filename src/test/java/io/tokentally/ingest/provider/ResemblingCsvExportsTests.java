package io.tokentally.ingest.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.UsageFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A provider CSV export whose header lost a required column is refused naming it, not left unrecognized. */
class ResemblingCsvExportsTests {

    static Stream<Arguments> exportsWithARenamedColumn() {
        CustomerAttribution none = CustomerAttribution.none();
        return Stream.of(
                Arguments.of(
                        new GoogleCloudBillingFormat(none, GoogleCloudBillingFormatTests.PATTERNS),
                        GoogleCloudBillingFormatTests.EXPORT,
                        "usage.amount",
                        "usage_amount"),
                Arguments.of(new LiteLlmSpendLogsFormat(none), GatewayLogFormatsTests.LITELLM_FILE, "spend", "spend"),
                Arguments.of(
                        new LiteLlmDailySpendFormat(none),
                        DailyExportFormatsTests.LITELLM_DAILY,
                        "api_requests",
                        "api_requests"));
    }

    @ParameterizedTest(name = "{1} without {2}")
    @MethodSource("exportsWithARenamedColumn")
    void isResembledAndRefusedNamingTheColumn(UsageFormat format, String fixture, String column, String named) {
        // given: the export's header with the column renamed, as a changed export writes it
        String export = ProviderFixtures.text(fixture);
        String header = export.lines().findFirst().orElseThrow();
        String renamed =
                header.replace("," + column + ",", "," + column + "_renamed,") + export.substring(header.length());
        assertThat(renamed).isNotEqualTo(export);

        // then
        assertThat(format.claims(renamed)).isFalse();
        assertThat(format.resembles(renamed)).isTrue();
        assertThatThrownBy(() -> ProviderFixtures.recordsOf(format, renamed))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("the header lacks required column(s) " + named);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("exportsWithARenamedColumn")
    void noOtherFixtureResemblesTheFormat(UsageFormat format, String fixture, String column, String named) {
        for (String other : DailyExportFormatsTests.USAGE_FIXTURES) {
            if (!other.equals(fixture)) {
                assertThat(format.resembles(ProviderFixtures.text(other)))
                        .as(other)
                        .isFalse();
            }
        }
    }
}
