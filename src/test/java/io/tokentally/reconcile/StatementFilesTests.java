package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StatementFilesTests {

    @Test
    void aStatementIsNamedAfterItsCustomerAndItsPeriodsStartYearZeroApartFromYearOne() {
        // when
        String november = StatementFiles.name("acme/eu", Instant.parse("2026-11-01T00:00:00Z"));
        String yearZero = StatementFiles.name("c1", Instant.parse("0000-01-01T00:00:00Z"));
        String yearOne = StatementFiles.name("c1", Instant.parse("0001-01-01T00:00:00Z"));

        // then: the two periods a year apart had one file, the later written over the earlier
        assertThat(november).startsWith("acme_eu~").endsWith("-20261101T0000Z").hasSize(35);
        assertThat(yearZero).isEqualTo("c1-00000101T0000Z");
        assertThat(yearOne).isEqualTo("c1-00010101T0000Z");
    }

    @Test
    void customersWhoseIdsReadAlikeOnceMadeSafeForAFileNameHaveStatementsOfTheirOwn() {
        // given three customers named a__b on disk: the statement last written was the only one left
        Instant november = Instant.parse("2026-11-01T00:00:00Z");

        // when
        List<String> names = Stream.of("a__b", "a, b", "a/b")
                .map(customer -> StatementFiles.name(customer, november))
                .toList();

        // then: an id kept as it is has no hash, so it cannot be named as one that was changed
        assertThat(names.get(0)).isEqualTo("a__b-20261101T0000Z");
        assertThat(names.get(1)).matches("a__b~[0-9a-f]{12}-20261101T0000Z");
        assertThat(names.get(2)).matches("a_b~[0-9a-f]{12}-20261101T0000Z");
        assertThat(names).doesNotHaveDuplicates();
    }
}
