package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A finding's key as it is kept: the finding tables hold 300 characters. */
class FindingTests {

    @Test
    void aKeyThatFitsIsKeptWhole() {
        // given a key of exactly 300 characters
        String key = "PURCHASE_REJECTED:" + "k".repeat(282);

        // when
        Finding finding = new Finding(key, "PURCHASE_REJECTED", Finding.Severity.ERROR, "bad row");

        // then
        assertThat(finding.key()).isEqualTo(key);
    }

    @Test
    void aLongerKeyKeepsItsStartAndAHashOfTheWholeStableAndUnique() {
        // given two keys of a purchases feed at a long path, alike but for their last character (storing either
        // failed the credits step with the database's words)
        String path = "/srv/feeds/" + "f".repeat(400) + "/purchases.csv";
        String first = "PURCHASE_FOR_UNKNOWN_CUSTOMER:" + path + ":p1:purchase";
        String second = "PURCHASE_FOR_UNKNOWN_CUSTOMER:" + path + ":p2:purchase";

        // when
        String kept = new Finding(first, "PURCHASE_FOR_UNKNOWN_CUSTOMER", Finding.Severity.WARNING, "m").key();

        // then
        assertThat(kept).hasSize(Finding.MAX_KEY).startsWith("PURCHASE_FOR_UNKNOWN_CUSTOMER:/srv/feeds/fff");
        assertThat(kept).matches(".*#[0-9a-f]{32}");
        assertThat(Finding.fitting(first)).isEqualTo(kept);
        assertThat(Finding.fitting(second)).isNotEqualTo(kept).hasSize(Finding.MAX_KEY);
    }

    @Test
    void aNulInAKeyOrMessageIsKeptAsUPlusFffd() {
        // given a message quoting a value of a file: PostgreSQL stores no text holding a NUL
        Finding finding = new Finding("K:a\u0000b", "K", Finding.Severity.ERROR, "value 'a\u0000b' is bad");

        // then
        assertThat(finding.key()).isEqualTo("K:a\uFFFDb");
        assertThat(finding.message()).isEqualTo("value 'a\uFFFDb' is bad");
    }
}
