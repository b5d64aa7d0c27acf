package io.tokentally.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PurchasesFileTests {

    @TempDir
    Path dir;

    @Test
    void readsPurchasesRefundsAndCancellationsFromCsvAndReportsBadRows() throws IOException {
        // given
        Path file = dir.resolve("purchases.csv");
        Files.writeString(file, """
                purchase_id,event,customer_id,category,amount,currency,time,expires_at
                p1,,acme,,25.00,usd,2026-11-02T10:00:00Z,2027-11-02T00:00:00Z
                p2,purchase,acme,promotional,5,USD,2026-11-03T10:00:00+01:00,
                p1,refund,acme,,,,2026-11-10T00:00:00Z,
                p3,purchase,acme,,10.001,USD,2026-11-03T10:00:00Z,
                p4,purchase,acme,,10,EUR,2026-11-03T10:00:00Z,
                p5,cancellation,acme,,,,2026-11-11T00:00:00Z,
                p6,purchase,acme,gift,10,USD,2026-11-03T10:00:00Z,
                p7,purchase,acme,,1000000000000,USD,2026-11-03T10:00:00Z,
                %s,purchase,acme,,10,USD,2026-11-03T10:00:00Z,
                p9,purchase,%s,,10,USD,2026-11-03T10:00:00Z,
                p10,purchase,acme,,10,USD,+10000-01-01T00:00:00Z,
                p11,purchase,acme,,10,USD,2026-11-03 10:00:00,
                """.formatted("p".repeat(201), "c".repeat(201)));

        // when
        PurchasesFile.Result result = PurchasesFile.read(file);

        // then
        assertThat(result.purchases()).hasSize(4);
        Purchase first = result.purchases().get(0);
        assertThat(first.event()).isEqualTo(Purchase.Event.PURCHASE);
        assertThat(first.category()).isEqualTo(CreditGrant.Category.PAID);
        assertThat(first.amountUsd()).isEqualByComparingTo("25");
        assertThat(first.expiresAt()).isEqualTo(Instant.parse("2027-11-02T00:00:00Z"));
        assertThat(result.purchases().get(1).at()).isEqualTo(Instant.parse("2026-11-03T09:00:00Z"));
        assertThat(result.purchases().get(2).event()).isEqualTo(Purchase.Event.REFUND);
        assertThat(result.problems())
                .containsExactly(
                        "purchases.csv line 5: amount 10.001 is not a positive amount in whole cents",
                        "purchases.csv line 6: currency 'EUR': only USD is supported",
                        "purchases.csv line 8: category 'gift' is not paid or promotional",
                        "purchases.csv line 9: amount 1000000000000 is not less than 1000000000000",
                        "purchases.csv line 10: purchase_id has 201 characters; at most 200 are allowed",
                        "purchases.csv line 11: customer_id has 201 characters; at most 200 are allowed",
                        "purchases.csv line 12: time +10000-01-01T00:00:00Z is outside the years 0000 to 9999 (UTC)",
                        "purchases.csv line 13: time '2026-11-03 10:00:00' has no offset; write it with Z or +hh:mm");
    }

    @Test
    void aTimeFinerThanAMicrosecondIsCutToTheMicrosecondTheDatabaseKeeps() throws IOException {
        // given a feed written with nanoseconds, as Go's RFC 3339 writes them
        Path file = dir.resolve("purchases.csv");
        Files.writeString(file, """
                purchase_id,customer_id,amount,currency,time,expires_at
                p1,acme,25,USD,2026-11-02T10:59:59.999999999Z,2027-11-02T00:00:00.0000005Z
                """);

        // when
        PurchasesFile.Result result = PurchasesFile.read(file);

        // then the instants as stored, so reading the feed again gives the row loaded before, not a contradiction;
        // cut, not rounded, the purchase stays before the hour it was made in
        assertThat(result.problems()).isEmpty();
        assertThat(result.purchases()).singleElement().satisfies(purchase -> {
            assertThat(purchase.at()).isEqualTo(Instant.parse("2026-11-02T10:59:59.999999Z"));
            assertThat(purchase.expiresAt()).isEqualTo(Instant.parse("2027-11-02T00:00:00Z"));
        });
    }

    @Test
    void readsJsonArraysAndJsonLines() throws IOException {
        // given
        Path array = dir.resolve("purchases-a.json");
        Files.writeString(array, """
                [{"purchase_id": "p1", "customer_id": "acme", "amount": 10, "currency": "USD", "time": "2026-11-02T10:00:00Z"}]
                """);
        Path lines = dir.resolve("purchases-b.jsonl");
        Files.writeString(lines, """
                {"purchase_id": "p2", "customer_id": "acme", "amount": "7.50", "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p2", "event": "refund", "customer_id": "acme", "time": "2026-11-05T10:00:00Z"}
                """);

        // when
        List<Purchase> fromArray = PurchasesFile.read(array).purchases();
        List<Purchase> fromLines = PurchasesFile.read(lines).purchases();

        // then
        assertThat(fromArray)
                .singleElement()
                .satisfies(p -> assertThat(p.amountUsd()).isEqualByComparingTo("10"));
        assertThat(fromLines)
                .extracting(Purchase::event)
                .containsExactly(Purchase.Event.PURCHASE, Purchase.Event.REFUND);
        assertThat(PurchasesFile.isFeed(lines)).isTrue();
        assertThat(PurchasesFile.isFeed(dir.resolve("gateway.csv"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // a misspelt optional column was left unread: the pack never expired
                "purchase_id,customer_id,amount,currency,time,expire_at | purchases.csv: the header names unknown"
                        + " column expire_at; the columns are purchase_id, event, customer_id, amount, currency, time,"
                        + " expires_at, category",
                // a column named twice: the later value was the amount
                "purchase_id,customer_id,amount,currency,time,amount | purchases.csv: the header names column amount"
                        + " twice",
            })
    void refusesACsvHeaderWithAnUnknownOrRepeatedColumn(String header, String problem) throws IOException {
        // given
        Path file = dir.resolve("purchases.csv");
        Files.writeString(file, header + "\np1,acme,25.00,USD,2026-11-02T10:00:00Z,2026-11-03T00:00:00Z\n");

        // when, then: the refusal, which fails the run, carries no stack trace to log before its message
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PurchasesFile.read(file))
                .withMessageStartingWith(problem)
                .satisfies(refused -> assertThat(refused.getStackTrace()).isEmpty());
    }

    @Test
    void refusesAJsonObjectWithAnUnknownKeyAsABadRowAndAKeyGivenTwiceAsNotValidJson() throws IOException {
        // given
        Path unknown = dir.resolve("purchases-a.jsonl");
        Files.writeString(unknown, """
                {"purchase_id": "p1", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z", "category": null}
                {"purchase_id": "p2", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z", "expires": "2026-11-03T00:00:00Z"}
                {"purchase_id": "p3", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z", "expires": null, "category": null}
                """);
        Path twice = dir.resolve("purchases-b.jsonl");
        Files.writeString(twice, """
                {"purchase_id": "p1", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z", "AMOUNT": 99}
                """);
        Path twiceInOneCase = dir.resolve("purchases-c.json");
        Files.writeString(twiceInOneCase, """
                [{"purchase_id": "p1", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z", "amount": 99}]
                """);

        // when
        PurchasesFile.Result result = PurchasesFile.read(unknown);

        // then
        assertThat(result.purchases()).extracting(Purchase::purchaseId).containsExactly("p1");
        assertThat(result.problems())
                .containsExactly(
                        "purchases-a.jsonl line 2: unknown key expires; the keys are purchase_id, event,"
                                + " customer_id, amount, currency, time, expires_at, category",
                        "purchases-a.jsonl line 3: unknown key expires; the keys are purchase_id, event,"
                                + " customer_id, amount, currency, time, expires_at, category");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PurchasesFile.read(twice))
                .withMessage("purchases-b.jsonl line 1: not valid JSON: key AMOUNT repeats key amount");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PurchasesFile.read(twiceInOneCase))
                .withMessageStartingWith(
                        "purchases-c.json line 1, column 119: not valid JSON: Duplicate Object property \"amount\"");
    }

    @Test
    void aCsvRowWithFewerOrMoreFieldsThanTheHeaderIsABadRow() throws IOException {
        // given a row cut short before its expiry and, after a bad row of another kind, one with a field too many
        // around a quoted field holding a comma and a line end (hunt CE: read as far as they went, the first became a
        // pack that never expires)
        Path file = Files.writeString(dir.resolve("purchases.csv"), """
                purchase_id,event,customer_id,amount,currency,time,category,expires_at
                p1,,acme,5.00,USD,2026-10-10T10:00:00Z
                p0,,acme,5.00,EUR,2026-10-10T10:00:00Z,paid,
                "p,2
                ",,acme,5.00,USD,2026-11-01T10:00:00Z,,paid,extra
                # a comment

                p3,,acme,5.00,USD,2026-11-01T10:00:00Z,paid,2027-11-01T00:00:00Z
                p4,,acme,5.00,USD,2026-11-01T10:00:00Z,paid,
                """);

        // when
        PurchasesFile.Result result = PurchasesFile.read(file);

        // then the other rows still count, each named by its line, the problems in the file's order
        assertThat(result.reads())
                .extracting(read -> read.purchase().purchaseId() + " " + read.where())
                .containsExactly("p3 purchases.csv line 8", "p4 purchases.csv line 9");
        assertThat(result.problems())
                .containsExactly(
                        "purchases.csv line 2: the row has 6 fields but the header has 8",
                        "purchases.csv line 3: currency 'EUR': only USD is supported",
                        "purchases.csv line 4: the row has 9 fields but the header has 8");
    }

    @Test
    void aJsonElementThatIsNotAnObjectOrHoldsAnObjectOrAnArrayIsABadRowAndTextThatIsNotJsonNamesItsLineAlone()
            throws IOException {
        // given (hunt CE: an object as a value failed the whole run with the JSON reader's words and no line); the
        // JSON Lines feed begins with a byte-order mark and a blank line, which count as the file's lines
        Path lines = Files.writeString(dir.resolve("purchases.jsonl"), """
                \uFEFF
                {"purchase_id": "p1", "customer_id": "acme", "amount": {"v": 4}, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p2", "customer_id": "acme", "amount": 4, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                """);
        Path array = Files.writeString(dir.resolve("purchases.json"), """
                [{"purchase_id": ["p3"], "customer_id": "acme", "amount": 4, "currency": "USD", "time": "2026-11-02T10:00:00Z"},
                 "p4",
                 {"purchase_id": "p5", "customer_id": "acme", "amount": 4, "currency": "EUR", "time": "2026-11-02T10:00:00Z"}]
                """);
        Path cut = Files.writeString(dir.resolve("purchases-cut.jsonl"), """
                {"purchase_id": "p6", "customer_id": "acme", "amount": 4, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p7", "customer_id": "acme", "amount": 4
                """);

        // when
        PurchasesFile.Result fromLines = PurchasesFile.read(lines);
        PurchasesFile.Result fromArray = PurchasesFile.read(array);

        // then
        assertThat(fromLines.reads())
                .extracting(read -> read.purchase().purchaseId() + " " + read.where())
                .containsExactly("p2 purchases.jsonl line 3");
        assertThat(fromLines.problems())
                .containsExactly("purchases.jsonl line 2: key amount holds an object, not a text, number or null");
        assertThat(fromArray.purchases()).isEmpty();
        assertThat(fromArray.problems())
                .containsExactly(
                        "purchases.json object 1: key purchase_id holds an array, not a text, number or null",
                        "purchases.json object 2: not a JSON object",
                        "purchases.json object 3: currency 'EUR': only USD is supported");
        // and a line that is not JSON refuses the feed, named by its line without the reader's note of its source
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PurchasesFile.read(cut))
                .withMessage("purchases-cut.jsonl line 2: not valid JSON: Unexpected end-of-input: expected close"
                        + " marker for Object");
    }

    @Test
    void anArrayCutShortRefusesTheFeedNamedByTheLineAndColumnTheReaderStoppedAt() throws IOException {
        // given (hunt ED: named by the file alone)
        Path cutArray = Files.writeString(
                dir.resolve("purchases-cut.json"), "[\n  {\"purchase_id\": \"p8\",\n   \"customer_id\": \"acme\",\n");

        // when / then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PurchasesFile.read(cutArray))
                .withMessageStartingWith(
                        "purchases-cut.json line 4, column 1: not valid JSON: Unexpected end-of-input");
    }

    @Test
    void aRowWithANulInAKeyOrValueIsABadRowOfAJsonOrACsvFeed() throws IOException {
        // given NULs in an id, an optional value and a key: stored, even quoted in a finding's message, a NUL
        // failed the run on PostgreSQL with the database's words, and a CSV feed's failed the whole run
        Path json = Files.writeString(dir.resolve("purchases.jsonl"), """
                {"purchase_id": "p1\\u0000", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p2", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p3", "customer_id": "acme", "event": "refund\\u0000", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p4", "custo\\u0000mer_id": "acme", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p\\ud800", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                {"purchase_id": "p\\udfff", "customer_id": "acme", "amount": 2, "currency": "USD", "time": "2026-11-02T10:00:00Z"}
                """);
        Path csv = Files.writeString(
                dir.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\np5,acme,2,USD,2026-11-02T10:00:00Z\u0000\n"
                        + "p6,acme,2,USD,2026-11-02T10:00:00Z\n");
        String nul = ": a key or value holds a NUL (U+0000), which PostgreSQL does not store";

        // when
        PurchasesFile.Result fromJson = PurchasesFile.read(json);
        PurchasesFile.Result fromCsv = PurchasesFile.read(csv);

        // then
        assertThat(fromJson.purchases()).extracting(Purchase::purchaseId).containsExactly("p2");
        // and two ids escaping each a different half of a pair, which PostgreSQL stored alike as 'p?' (the second
        // then refused as the first loaded with other values), are bad rows too
        String half = ": a key or value holds half of a surrogate pair (an escaped \\ud83d without its other half),"
                + " which is not a character";
        assertThat(fromJson.problems())
                .containsExactly(
                        "purchases.jsonl line 1" + nul,
                        "purchases.jsonl line 3" + nul,
                        "purchases.jsonl line 4" + nul,
                        "purchases.jsonl line 5" + half,
                        "purchases.jsonl line 6" + half);
        assertThat(fromCsv.purchases()).extracting(Purchase::purchaseId).containsExactly("p6");
        assertThat(fromCsv.problems()).containsExactly("purchases.csv line 2" + nul);
    }

    @Test
    void refundVoidsAndCancellationExpiresTheirPurchaseWhateverTheRowOrder() {
        // given the refund listed before its purchase, and a cancellation of an unknown purchase
        List<Purchase> rows = List.of(
                new Purchase(
                        "p1", Purchase.Event.REFUND, "acme", null, null, Instant.parse("2026-11-10T00:00:00Z"), null),
                new Purchase(
                        "p1",
                        Purchase.Event.PURCHASE,
                        "acme",
                        CreditGrant.Category.PAID,
                        new java.math.BigDecimal("25"),
                        Instant.parse("2026-11-02T00:00:00Z"),
                        null),
                new Purchase(
                        "p2",
                        Purchase.Event.PURCHASE,
                        "acme",
                        CreditGrant.Category.PAID,
                        new java.math.BigDecimal("5"),
                        Instant.parse("2026-11-03T00:00:00Z"),
                        Instant.parse("2026-12-03T00:00:00Z")),
                new Purchase(
                        "p2",
                        Purchase.Event.CANCELLATION,
                        "acme",
                        null,
                        null,
                        Instant.parse("2026-11-04T00:00:00Z"),
                        null),
                new Purchase(
                        "p9",
                        Purchase.Event.CANCELLATION,
                        "acme",
                        null,
                        null,
                        Instant.parse("2026-11-04T00:00:00Z"),
                        null));

        // when
        List<CreditGrant> grants = CreditGrants.fold(rows);

        // then
        assertThat(grants).hasSize(2);
        assertThat(grants.get(0).grantKey()).isEqualTo("purchase:p1");
        assertThat(grants.get(0).end()).isEqualTo(CreditGrant.End.VOIDED);
        assertThat(grants.get(0).usableUntil()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        assertThat(grants.get(1).end()).isEqualTo(CreditGrant.End.EXPIRED);
        assertThat(grants.get(1).usableUntil()).isEqualTo(Instant.parse("2026-11-04T00:00:00Z"));
    }

    @Test
    void aRefundDatedBeforeItsPurchaseEndsTheGrantAsItTakesEffect() {
        // given a pack of 10 November whose refund is dated 9 November (two systems' clocks)
        List<Purchase> rows = List.of(
                new Purchase(
                        "p1",
                        Purchase.Event.PURCHASE,
                        "acme",
                        CreditGrant.Category.PAID,
                        new BigDecimal("10"),
                        Instant.parse("2026-11-10T00:00:00Z"),
                        null),
                new Purchase(
                        "p1", Purchase.Event.REFUND, "acme", null, null, Instant.parse("2026-11-09T00:00:00Z"), null));

        // when
        List<CreditGrant> grants = CreditGrants.fold(rows);

        // then it covers nothing: folded in time order alone, the refund came first and was dropped, the pack live
        assertThat(grants).singleElement().satisfies(grant -> {
            assertThat(grant.end()).isEqualTo(CreditGrant.End.VOIDED);
            assertThat(grant.usableUntil()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        });
    }

    @Test
    void aStagedFeedIsNamedByWhereItCameFromInItsFaults() throws IOException {
        // given the local copy of an S3 object, without the purchase_id column
        Path staged = dir.resolve("0f3a9c");
        Files.writeString(staged, "event,customer_id,amount\npurchase,acme,25\n");

        // when / then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PurchasesFile.read(staged, "s3://drop/purchases.csv"))
                .withMessage("s3://drop/purchases.csv: the header lacks required column purchase_id");
    }
}
