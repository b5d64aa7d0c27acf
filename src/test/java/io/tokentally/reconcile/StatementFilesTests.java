package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatementFilesTests {

    @Test
    void aStatementIsNamedAfterItsCustomerAndItsPeriodsStartYearZeroApartFromYearOne() {
        // when
        String november = StatementFiles.name("acme/eu", Instant.parse("2026-11-01T00:00:00Z"));
        String yearZero = StatementFiles.name("c1", Instant.parse("0000-01-01T00:00:00Z"));
        String yearOne = StatementFiles.name("c1", Instant.parse("0001-01-01T00:00:00Z"));

        // then: the two periods a year apart had one file, the later written over the earlier
        assertThat(november).isEqualTo("acme_eu-20261101T0000Z");
        assertThat(yearZero).isEqualTo("c1-00000101T0000Z");
        assertThat(yearOne).isEqualTo("c1-00010101T0000Z");
    }
}
