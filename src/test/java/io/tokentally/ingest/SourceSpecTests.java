package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.provider.ProviderApiSource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Source specs with their roles: {@code name[:role]=folder} and {@code name[:role]=s3://bucket/prefix}. */
class SourceSpecTests {

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "gateway=", "gateway:cost= "})
    void anEmptyFolderIsRefusedRatherThanReadAsTheWorkingFolder(String spec) {
        assertThatThrownBy(() -> InputSource.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no folder given");
    }

    @Test
    void aFolderWithoutRoleIsBillableAsBefore() {
        assertThat(InputSource.parse("gateway=/data/gw"))
                .isEqualTo(new InputSource("gateway", Path.of("/data/gw"), SourceRole.BILLABLE));
        assertThat(InputSource.parse("/data/gw").role()).isEqualTo(SourceRole.BILLABLE);
        assertThat(InputSource.parse("gateway=/data/gw").spec()).isEqualTo("gateway=/data/gw");
    }

    @Test
    void aFolderCarriesItsRoleAfterItsName() {
        InputSource cost = InputSource.parse("openai-export:cost=/data/openai");
        assertThat(cost).isEqualTo(new InputSource("openai-export", Path.of("/data/openai"), SourceRole.COST));
        assertThat(cost.spec()).isEqualTo("openai-export:cost=/data/openai");
        assertThat(InputSource.parse(cost.spec())).isEqualTo(cost);
        assertThat(InputSource.parse(":BOTH=/data/openai"))
                .isEqualTo(new InputSource("openai", Path.of("/data/openai"), SourceRole.BOTH));
        assertThat(cost.withRoot(Path.of("/abs/openai")).role()).isEqualTo(SourceRole.COST);
    }

    @Test
    void theLocalFoldersOfAnInputAreItsSourcesThatAreNeitherS3PrefixesNorApis() {
        assertThat(RegisterFilesStepConfiguration.localFolders(
                        List.of("gw=/data/gw", "bills:cost=s3://acme-exports/openai/", "api://openai")))
                .containsExactly(new InputSource("gw", Path.of("/data/gw"), SourceRole.BILLABLE));
        assertThat(RegisterFilesStepConfiguration.localFolders(List.of("s3://acme-exports/gw")))
                .isEmpty();
    }

    @Test
    void refusesASourceNameLongerThanIsKeptForAFolderAnS3PrefixAndAnApi() {
        // given names of 201 characters (registering a file under one failed the run with the database's words)
        String name = "s".repeat(201);
        String message = "the source name has 201 characters; at most 200 are allowed";

        // when, then
        assertThatThrownBy(() -> InputSource.parse(name + "=/data/gw")).hasMessage(message);
        assertThatThrownBy(() -> InputSource.parse("/data/" + name)).hasMessage(message);
        assertThatThrownBy(() -> S3Source.parse(name + "=s3://acme-exports/gw/"))
                .hasMessage(message);
        assertThatThrownBy(() -> S3Source.parse("s3://acme-exports/" + name)) // named acme-exports/sss...
                .hasMessage(message.replace("201", "214"));
        assertThatThrownBy(() -> ProviderApiSource.parse(name + "=api://openai"))
                .hasMessage(message);
        assertThat(InputSource.parse("s".repeat(200) + "=/data/gw").name()).hasSize(200);
    }

    @Test
    void anS3PrefixCarriesItsRoleToo() {
        S3Source source = S3Source.parse("bills:cost=s3://acme-exports/openai/").orElseThrow();
        assertThat(source).isEqualTo(new S3Source("bills", "acme-exports", "openai/", SourceRole.COST));
        assertThat(S3Source.parse(source.spec())).contains(source);
        assertThat(S3Source.parse("s3://acme-exports/gw").orElseThrow().role()).isEqualTo(SourceRole.BILLABLE);
        assertThat(S3Source.parse("gw=s3://acme-exports/gw").orElseThrow().spec())
                .isEqualTo("gw=s3://acme-exports/gw");
    }

    @Test
    void theSpecOfAnUnnamedS3PrefixReadsBackAsThatPrefix() {
        // given s3://acme-exports/usage/, named after bucket and prefix: a run read its stored spec as a local folder
        S3Source source = S3Source.parse("s3://acme-exports/usage/").orElseThrow();

        // when, then
        assertThat(source.name()).isEqualTo("acme-exports/usage/");
        assertThat(S3Source.parse(source.spec())).contains(source);
        assertThat(S3Source.parse("/data/a=b/usage")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://acme-exports/hourly/12:00/", "usage:cost=s3://acme-exports/hourly/12:00/"})
    void theSpecOfAnS3PrefixHoldingAColonReadsBackAsThatPrefixAndRole(String spec) {
        // given a prefix with a colon, which an unnamed source's name holds: the name was split there for a role
        S3Source source = S3Source.parse(spec).orElseThrow();

        // when, then
        assertThat(S3Source.parse(source.spec())).contains(source);
    }

    @Test
    void aFolderNamedWithAColonReadsBackAsThatFolder() {
        InputSource source = InputSource.parse("/data/hourly/12:00").withRoot(Path.of("/data/hourly/12:00"));

        assertThat(InputSource.parse(source.spec())).isEqualTo(source);
    }

    @Test
    void aHivePartitionFolderIsThatFolderNamedAfterItsFeedAndReadsBackAsIt() {
        // given a Hive-style day folder: its path was split at its '=' into a source "/data/gateway/date" reading a
        // folder "2026-11-27"; named after itself, each day's folder would be a source of its own for dedup
        String day = "/data/gateway/date=2026-11-27";

        // when
        InputSource bare = InputSource.parse(day);
        InputSource nested = InputSource.parse("/data/gateway/region=eu/date=2026-11-27");

        // then
        assertThat(bare).isEqualTo(new InputSource("gateway", Path.of(day), SourceRole.BILLABLE));
        assertThat(nested.name()).isEqualTo("gateway");
        assertThat(InputSource.parse(bare.spec())).isEqualTo(bare);
        assertThat(InputSource.parse("gw:cost=" + day)).isEqualTo(new InputSource("gw", Path.of(day), SourceRole.COST));
        assertThat(InputSource.parse(":cost=" + day).name()).isEqualTo("gateway");
        assertThat(InputSource.parse("./date=2026-11-27").root()).isEqualTo(Path.of("./date=2026-11-27"));
    }

    @Test
    void theNameIsWhatComesBeforeTheFirstEqualsSignUnlessThatHoldsAPathSeparator() {
        assertThat(InputSource.parse("gw=/data/a=b")).isEqualTo(new InputSource("gw", Path.of("/data/a=b")));
        assertThat(InputSource.parse("date=2026-11-27")).isEqualTo(new InputSource("date", Path.of("2026-11-27")));
        assertThat(InputSource.parse("team/gw=/data/gw").root()).isEqualTo(Path.of("team/gw=/data/gw"));
    }

    @Test
    void anUnknownRoleIsRefusedWithTheRolesThatExist() {
        assertThatThrownBy(() -> InputSource.parse("gw:costs=/data/gw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown source role 'costs': a source's role is billable, cost or both");
    }

    @Test
    void onlyBillableAndBothBillAndOnlyCostAndBothAreTheProvidersSide() {
        assertThat(SourceRole.BILLABLE.bills()).isTrue();
        assertThat(SourceRole.BILLABLE.costs()).isFalse();
        assertThat(SourceRole.COST.bills()).isFalse();
        assertThat(SourceRole.COST.costs()).isTrue();
        assertThat(SourceRole.BOTH.bills()).isTrue();
        assertThat(SourceRole.BOTH.costs()).isTrue();
    }
}
