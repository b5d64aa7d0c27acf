package io.tokentally.ingest.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.tokentally.TempFolders;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CustomerAttributionTests {

    private static final String HEADER = "key,value,customer_id\n";

    @Test
    void aMappedKeyNamesItsCustomerAndARowRepeatedAsWrittenIsAllowed() throws Exception {
        // given
        CustomerAttribution attribution = mapping(HEADER
                + "openai.project_id,proj_1,acme\nopenai.project_id,proj_1,acme\nopenai.api_key_id,key_1,globex\n");

        // when, then
        assertThat(attribution.customerOf(
                        OpenAiUsagePagesFormat.FAMILY, CustomerAttribution.keys("project_id", "proj_1")))
                .isEqualTo("acme");
        assertThat(attribution.customerOf(
                        OpenAiUsagePagesFormat.FAMILY,
                        CustomerAttribution.keys("api_key_id", "key_1", "project_id", "p")))
                .isEqualTo("globex");
    }

    @Test
    void aCostExportsLineIsTheCustomersItsProjectOrKeyNamesAsTheProvidersUsageIs() throws Exception {
        // given OpenAI's project proj_1 mapped to acme and Anthropic's workspace wrk_1 to globex
        CustomerAttribution attribution =
                mapping(HEADER + "openai.project_id,proj_1,acme\nanthropic.workspace_id,wrk_1,globex\n");

        // when, then: a mapped project or workspace names its customer, another key names itself as written, a
        // line of neither key or of another provider names nobody
        assertThat(attribution.customerOfCostLine("openai", "proj_1", "key_9")).contains("acme");
        assertThat(attribution.customerOfCostLine("anthropic", "wrk_1", null)).contains("globex");
        assertThat(attribution.customerOfCostLine("openai", "proj_2", null)).contains("proj_2");
        assertThat(attribution.customerOfCostLine("openai", null, null)).isEmpty();
        assertThat(attribution.customerOfCostLine("google", "proj_1", null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // a key and value mapped to a second customer: which row was read last would bill the usage
                "openai.project_id,proj_1,acme\\nopenai.project_id,proj_1,globex"
                        + " | line 3: openai.project_id proj_1 is mapped to customer globex, and to acme on line 2",
                // a misspelt family: the row would never map anything
                "opnai.project_id,proj_1,acme | line 2: key opnai.project_id is not <family>.<key> with a family of"
                        + " openai, anthropic, openrouter, litellm, cloudflare, vercel, gcp; did you mean openai.project_id?",
                // both misspelt: the suggestion is a key that exists
                "opnai.projct_id,proj_1,acme | line 2: key opnai.projct_id is not <family>.<key> with a family of"
                        + " openai, anthropic, openrouter, litellm, cloudflare, vercel, gcp; did you mean openai.project_id?",
                "openai,proj_1,acme | line 2: key openai is not <family>.<key>",
                "openai.,proj_1,acme | line 2: key openai. is not <family>.<key>",
                "openai.project_id,proj_1, | line 2: column customer_id is empty",
                "openai.project_id,proj_1,acme\u00A0 | line 2: column customer_id holds U+00A0 at character 5, which"
                        + " cannot be seen; ids are compared exactly",
                "openai.project_id,proj_1,acme,extra | line 2: the row has 4 fields",
            })
    void aRowThatCannotBeKeptAsWrittenStopsStartUpNamingThePropertyTheFileAndTheLine(String rows, String problem)
            throws Exception {
        // given
        Path file = write(HEADER + rows.replace("\\n", "\n") + "\n");

        // when, then
        assertThatThrownBy(() -> CustomerAttribution.of(new AttributionProperties(file, Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "tokentally.attribution.mapping-file (" + file.toAbsolutePath() + ") " + problem);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "openai.projct_id,proj_1,acme | key openai.projct_id is not a key of openai (its keys: project_id,"
                        + " api_key_id, user_id); did you mean openai.project_id?",
                // keys are looked up as written: this row would never match
                "openai.Project_ID,proj_1,acme | key openai.Project_ID is not a key of openai (its keys: project_id,"
                        + " api_key_id, user_id); did you mean openai.project_id? Keys are matched as written, letter"
                        + " case included",
                // another family's key
                "anthropic.project_id,proj_1,acme | key anthropic.project_id is not a key of anthropic (its keys:"
                        + " workspace_id, api_key_id)",
                "gcp.labels.team,ml,acme | key gcp.labels.team is not a key of gcp (its keys: project_id,"
                        + " label.<key>, project_label.<key>); did you mean gcp.label.team?",
                // a prefix needs the name of an entry after it
                "litellm.metadata.,c-7,acme | key litellm.metadata. is not a key of litellm (its keys: end_user,"
                        + " team_id, user, organization_id, api_key, request_tag, metadata.<key>)",
                "cloudflare.customer_id,c-7,acme | key cloudflare.customer_id is not a key of cloudflare (its keys:"
                        + " metadata.<key>)",
            })
    void aRowWithAKeyItsFamilyDoesNotHaveStopsStartUpNamingTheNearestKey(String row, String problem) throws Exception {
        // given
        Path file = write(HEADER + row + "\n");

        // when, then: the row would never map anything, and its usage would be left unattributed
        assertThatThrownBy(() -> CustomerAttribution.of(new AttributionProperties(file, Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokentally.attribution.mapping-file (" + file.toAbsolutePath() + ") line 2: " + problem);
    }

    @Test
    void keysNamedByTheRecordAreMappedAndOrderedAfterTheirPrefix() throws Exception {
        // given: a LiteLLM caller's metadata entry and a GCP label, in the mapping file and in the key orders
        Path file = write(HEADER + "litellm.metadata.customer,c-7,acme\ngcp.label.team,ml,globex\n");
        CustomerAttribution attribution = CustomerAttribution.of(new AttributionProperties(
                file,
                Map.of(
                        "litellm", List.of("metadata.customer", "end_user"),
                        "gcp", List.of("label.team", "project_id"))));

        // when
        String litellm = attribution.customerOf(
                LiteLlmSpendLogsFormat.FAMILY, CustomerAttribution.keys("end_user", "u-1", "metadata.customer", "c-7"));
        String gcp = attribution.customerOf(
                GoogleCloudBillingFormat.FAMILY, CustomerAttribution.keys("project_id", "p-1", "label.team", "ml"));

        // then
        assertThat(litellm).isEqualTo("acme");
        assertThat(gcp).isEqualTo("globex");
    }

    @Test
    void aCustomerIdLongerThanIsKeptStopsStartUp() throws Exception {
        // given
        Path file = write(HEADER + "openai.project_id,proj_1," + "c".repeat(201) + "\n");

        // when, then
        assertThatThrownBy(() -> CustomerAttribution.of(new AttributionProperties(file, Map.of())))
                .hasMessageEndingWith("line 2: column customer_id has 201 characters; at most 200 are allowed");
    }

    @Test
    void aMappingFileThatIsAFolderOrMissingStopsStartUpSayingWhich() throws Exception {
        // given
        Path folder = TempFolders.create("customer-keys");

        // when, then: a folder was said not to exist
        assertThatThrownBy(() -> CustomerAttribution.of(new AttributionProperties(folder, Map.of())))
                .hasMessage(
                        "tokentally.attribution.mapping-file: " + folder.toAbsolutePath() + " is a folder, not a file");
        assertThatThrownBy(() -> CustomerAttribution.of(new AttributionProperties(folder.resolve("no.csv"), Map.of())))
                .hasMessage("tokentally.attribution.mapping-file: the file "
                        + folder.toAbsolutePath().resolve("no.csv") + " does not exist");
    }

    @Test
    void everyReaderFamilyTakesAKeyOrder() throws Exception {
        // given the family of every reader that names customers by keys
        List<AttributionFamily> families = new ArrayList<>();
        for (JavaClass reader : new ClassFileImporter().importPackages("io.tokentally.ingest.provider")) {
            if (reader.tryGetField("FAMILY").isPresent()) {
                Field family = reader.reflect().getDeclaredField("FAMILY");
                family.setAccessible(true);
                families.add((AttributionFamily) family.get(null));
            }
        }

        // then: a reader left out of the list would have its key order refused
        assertThat(families).hasSizeGreaterThanOrEqualTo(7);
        assertThat(AttributionProperties.FAMILIES).containsAll(families);
    }

    @Test
    void aKeyOrderForAFamilyNoReaderHasIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new AttributionProperties(null, Map.of("opnai", List.of("project_id"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokentally.attribution.keys.opnai: no reader family is named opnai; the families are"
                        + " openai, anthropic, openrouter, litellm, cloudflare, vercel, gcp; did you mean openai?");
    }

    @Test
    void anEmptyKeyOrderOrOneWithAnEmptyKeyIsRefusedNamingTheProperty() {
        for (List<String> order : List.of(List.<String>of(), List.of("project_id", " "))) {
            assertThatThrownBy(() -> new AttributionProperties(null, Map.of("openai", order)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("tokentally.attribution.keys.openai: empty, or with an empty key");
        }
    }

    @Test
    void aKeyOrderListingAKeyTwiceIsRefusedNamingThePropertyAndTheKey() {
        assertThatThrownBy(() -> new AttributionProperties(
                        null, Map.of("openai", List.of("api_key_id", "project_id", "api_key_id"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokentally.attribution.keys.openai: lists api_key_id twice; list each key once, most"
                        + " specific first");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "openai | api_key_id,projct_id | key projct_id is not a key of openai (its keys: project_id,"
                        + " api_key_id, user_id); did you mean project_id?",
                "litellm | End_User | key End_User is not a key of litellm (its keys: end_user, team_id, user,"
                        + " organization_id, api_key, request_tag, metadata.<key>); did you mean end_user? Keys are"
                        + " matched as written, letter case included",
                "vercel | users,tag | key users is not a key of vercel (its keys: user, tag); did you mean user?",
                "gcp | label. | key label. is not a key of gcp (its keys: project_id, label.<key>,"
                        + " project_label.<key>)",
                "cloudflare | customer_id | key customer_id is not a key of cloudflare (its keys: metadata.<key>)",
            })
    void aKeyOrderWithAKeyItsFamilyDoesNotHaveIsRefusedNamingThePropertyAndTheNearestKey(
            String family, String order, String problem) {
        assertThatThrownBy(() -> new AttributionProperties(null, Map.of(family, List.of(order.split(",")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokentally.attribution.keys." + family + ": " + problem);
    }

    private static CustomerAttribution mapping(String text) throws Exception {
        return CustomerAttribution.of(new AttributionProperties(write(text), Map.of()));
    }

    private static Path write(String text) throws Exception {
        return Files.writeString(TempFolders.create("customer-keys").resolve("customer-keys.csv"), text);
    }
}
