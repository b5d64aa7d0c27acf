package io.tokentally.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CustomersFileTests {

    static final Set<String> PLANS = Set.of("payg", "team");

    @TempDir
    Path dir;

    @Test
    void readsPlanChangesAndTheBillingCycle() throws IOException {
        // given
        Path file = write(
                "customer_id,stripe_customer_id,plan_id,plan_effective_from,billing_anchor_day,billing_time_zone",
                "acme,cus_acme,payg,,15,Europe/Berlin",
                "acme,cus_acme,team,2026-11-20T10:00:00Z,15,Europe/Berlin");

        // when
        Customer acme = CustomersFile.read(file, PLANS).get(0);

        // then
        assertThat(acme.planId()).isEqualTo("team");
        assertThat(acme.cycle())
                .isEqualTo(new BillingCycle(BillingCycle.Interval.MONTH, 15, 1, ZoneId.of("Europe/Berlin")));
        assertThat(acme.planIdAt(Instant.parse("2026-11-20T09:59:59Z"))).isEqualTo("payg");
        assertThat(acme.planIdAt(Instant.parse("2026-11-20T10:00:00Z"))).isEqualTo("team");
        BillingPeriod period = acme.cycle().periodContaining(Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(acme.segments(period)).extracting(PlanSegment::planId).containsExactly("payg", "team");
    }

    @Test
    void thePartOfAPeriodBeforeTheFirstPlanIsASegmentOfItsOwn() throws IOException {
        // given a customer whose only plan takes effect on 15 November
        Path file = write(
                "customer_id,stripe_customer_id,plan_id,plan_effective_from",
                "acme,cus_acme,team,2026-11-15T00:00:00Z");

        // when
        Customer acme = CustomersFile.read(file, PLANS).get(0);

        // then November is cut there, and October lies wholly before the plan
        BillingPeriod november = acme.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));
        assertThat(acme.segments(november))
                .extracting(s -> s.span().start() + " " + s.planId() + " " + s.beforeFirstPlan())
                .containsExactly("2026-11-01T00:00:00Z team true", "2026-11-15T00:00:00Z team false");
        BillingPeriod october = acme.cycle().periodContaining(Instant.parse("2026-10-20T00:00:00Z"));
        assertThat(acme.segments(october))
                .extracting(s -> s.span() + " " + s.beforeFirstPlan())
                .containsExactly(october + " true");
    }

    @Test
    void customerWithoutCycleColumnsIsBilledByUtcCalendarMonth() throws IOException {
        // given
        Path file = write("customer_id,stripe_customer_id,plan_id", "acme,cus_acme,payg");

        // when
        List<Customer> customers = CustomersFile.read(file, PLANS);

        // then
        assertThat(customers.get(0).cycle()).isEqualTo(BillingCycle.CALENDAR_MONTH_UTC);
    }

    @Test
    void refusesAPlanChangeOffTheHourAZoneOffTheHourAndARepeatedCustomer() throws IOException {
        // given
        Path offHour = write("customer_id,plan_id,plan_effective_from", "acme,payg,", "acme,team,2026-11-20T10:30:00Z");
        Path india = write("customer_id,plan_id,billing_time_zone", "acme,payg,Asia/Kolkata");
        Path twice = write("customer_id,plan_id", "acme,payg", "acme,team");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(offHour, PLANS))
                .withMessageContaining("line 3: plan_effective_from 2026-11-20T10:30:00Z is not on a whole UTC hour");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(india, PLANS))
                .withMessageContaining("billing_time_zone Asia/Kolkata has offsets that are not whole hours");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(twice, PLANS))
                .withMessageContaining("customer_id 'acme' appears twice");
    }

    @Test
    void refusesAPlanChangeWithoutAnOffsetSayingSo() throws IOException {
        // given
        Path file = write("customer_id,plan_id,plan_effective_from", "acme,payg,", "acme,team,2026-11-20T10:00");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageEndingWith(
                        "line 3: plan_effective_from '2026-11-20T10:00' has no offset; write it with Z or +hh:mm");
    }

    @Test
    void refusesAPlanNeitherInThePlansFileNorStoredNamingItWithItsInvisibleCharacters() throws IOException {
        // given a plan id with a zero-width space, which reads as payg
        Path file = write("customer_id,plan_id", "acme,pay\u200Bg");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageEndingWith(
                        "line 2: plan_id 'pay\\u200Bg' is neither in the plans file nor stored by an earlier load");
    }

    @Test
    void refusesAPlanChangeOfTwoLinesShowingItsLineBreakAsAnEscape() throws IOException {
        // given a quoted plan_effective_from that runs over two lines
        Path file = write("customer_id,plan_id,plan_effective_from", "acme,payg,\"2026-11-20T10:00:00\nZ\"");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining("line 2: plan_effective_from '2026-11-20T10:00:00\\u000AZ'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "billing_interval | 'mon\nth' | billing_interval 'mon\\u000Ath' is not month or year",
                "billing_time_zone | 'Europe/\nParis' | billing_time_zone: Invalid ID for region-based ZoneId, invalid"
                        + " format: Europe/\\u000AParis",
            })
    void refusesAValueOfTwoLinesInOneLineShowingItsLineBreakAsAnEscape(String column, String value, String reason)
            throws IOException {
        // given
        Path file = write("customer_id,plan_id," + column, "acme,payg,\"" + value + "\"");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessage(file + " line 2: " + reason);
    }

    @Test
    void refusesAnUnknownBillingIntervalNamingTheColumn() throws IOException {
        // given
        Path file = write("customer_id,plan_id,billing_interval", "acme,payg,week");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining("line 2: billing_interval 'week' is not month or year");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-20T10:00:00.5Z", "2026-11-20T10:00:00.000000001Z", "2026-11-20T10:00:59.999Z"})
    void refusesAPlanChangeAFractionOfASecondOffTheHour(String effectiveFrom) throws IOException {
        // given
        Path file = write("customer_id,plan_id,plan_effective_from", "acme,payg,", "acme,team," + effectiveFrom);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining("line 3: plan_effective_from " + effectiveFrom + " is not on a whole UTC hour");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Asia/Singapore", "Africa/Monrovia", "Europe/Amsterdam", "America/New_York"})
    void takesAZoneWhoseOffsetsHaveBeenWholeHoursSince2000(String zone) throws IOException {
        // given: Singapore was +07:30 until 1982, Monrovia -00:44:30 until 1972, Amsterdam +00:20 until 1940
        Path file = write("customer_id,plan_id,billing_time_zone", "acme,payg," + zone);

        // when
        List<Customer> customers = CustomersFile.read(file, PLANS);

        // then
        assertThat(customers.get(0).cycle().zone()).isEqualTo(ZoneId.of(zone));
    }

    @ParameterizedTest
    @CsvSource({"utc, UTC", "europe/berlin, Europe/Berlin", "AMERICA/NEW_YORK, America/New_York", "utc+01:00, UTC+01:00"
    })
    void takesAZoneInAnyLetterCase(String written, String zone) throws IOException {
        // given
        Path file = write("customer_id,plan_id,billing_time_zone", "acme,payg," + written);

        // when
        List<Customer> customers = CustomersFile.read(file, PLANS);

        // then
        assertThat(customers.get(0).cycle().zone()).isEqualTo(ZoneId.of(zone));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Asia/Kolkata", "America/Caracas", "Australia/Adelaide", "Australia/Lord_Howe"})
    void refusesAZoneWithAnOffsetOffTheHourSince2000(String zone) throws IOException {
        // given: Caracas was -04:30 from 2007 to 2016, Lord Howe is +10:30 and +11:00
        Path file = write("customer_id,plan_id,billing_time_zone", "acme,payg," + zone);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining("billing_time_zone " + zone + " has offsets that are not whole hours");
    }

    @Test
    void aPlanChangeRowMayLeaveTheStripeCustomerAndTheNameOut() throws IOException {
        // given: the plan change comes first in the file
        Path file = write(
                "customer_id,stripe_customer_id,plan_id,plan_effective_from,name",
                "acme,,team,2026-11-20T10:00:00Z,",
                "acme,cus_acme,payg,,Acme Inc");

        // when
        Customer acme = CustomersFile.read(file, PLANS).get(0);

        // then
        assertThat(acme.stripeCustomerId()).isEqualTo("cus_acme");
        assertThat(acme.name()).isEqualTo("Acme Inc");
        assertThat(acme.planId()).isEqualTo("team");
    }

    @Test
    void refusesTwoCustomersOfOneStripeCustomerNamingBothLines() throws IOException {
        // given: globex's usage would be summed into acme's Stripe meters and paid by acme's grants
        Path file = write(
                "customer_id,stripe_customer_id,plan_id",
                "acme,cus_acme,payg",
                "initech,cus_initech,payg",
                "globex,cus_acme,payg");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessage(file + " line 4: stripe_customer_id 'cus_acme' is given to customer 'acme' on line 2"
                        + " already; a Stripe customer is one customer's (Stripe sums meter events and spends credit"
                        + " grants per Stripe customer, statements and balances are per customer)");
    }

    @Test
    void refusesAStripeCustomerAStoredCustomerTheFileLeavesOutHoldsAndTakesOneTheFileMovesAway() throws IOException {
        // given: acme holds cus_a, globex cus_g and initech cus_i; the file moves globex to cus_a, leaving acme out
        Map<String, Customer> stored = Map.of(
                "acme", customer("acme", "cus_a"),
                "globex", customer("globex", "cus_g"),
                "initech", customer("initech", "cus_i"));
        Path file = write("customer_id,stripe_customer_id,plan_id", "globex,cus_a,payg");
        List<Customer> taking = CustomersFile.read(file, PLANS);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.requireOwnStripeCustomers(stored, taking, file))
                .withMessage(file + ": stripe_customer_id 'cus_a' of customer 'globex' is stored for customer 'acme',"
                        + " which this file leaves out; a Stripe customer is one customer's (Stripe sums meter events"
                        + " and spends credit grants per Stripe customer, statements and balances are per customer):"
                        + " list 'acme' with its own Stripe customer, or give 'globex' another");

        // and a file that swaps acme's and globex's ids, or takes initech's after moving initech, is loaded
        Path swap = write("customer_id,stripe_customer_id,plan_id", "acme,cus_g,payg", "globex,cus_a,payg");
        List<Customer> swapped = CustomersFile.read(swap, PLANS);
        assertThatNoException().isThrownBy(() -> CustomersFile.requireOwnStripeCustomers(stored, swapped, swap));
        Path moved = write("customer_id,stripe_customer_id,plan_id", "initech,cus_i2,payg", "acme,cus_i,payg");
        List<Customer> taken = CustomersFile.read(moved, PLANS);
        assertThatNoException().isThrownBy(() -> CustomersFile.requireOwnStripeCustomers(stored, taken, moved));
    }

    @Test
    void refusesRowsOfOneCustomerNamingTwoStripeCustomers() throws IOException {
        // given
        Path file = write(
                "customer_id,stripe_customer_id,plan_id,plan_effective_from",
                "acme,cus_acme,payg,",
                "acme,cus_other,team,2026-11-20T10:00:00Z");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining(
                        "line 3: customer_id 'acme' has stripe_customer_id 'cus_other' here and 'cus_acme' on line 2");
    }

    @Test
    void refusesTheIdThatRecordsWithoutACustomerKeyAreKeptUnder() throws IOException {
        // given: an Anthropic bucket or an OpenRouter activity row without a key is usage of 'unattributed'
        Path file = write("customer_id,stripe_customer_id,plan_id", "acme,cus_acme,payg", "unattributed,cus_u,payg");

        // when, then: a customer of that name would be billed for all of it
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining("line 3: customer_id 'unattributed' is reserved");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\uFEFFacme | U+FEFF at character 1",
                "acme\u00A0 | U+00A0 at character 5",
                "ac\u200Bme | U+200B at character 3",
                "ac\u0007me | U+0007 at character 3",
                // a tag character, beyond the Basic Multilingual Plane: one character, not two
                "acme\uDB40\uDC01 | U+E0001 at character 5",
            })
    void refusesACustomerIdWithACharacterThatCannotBeSeen(String id, String where) throws IOException {
        // given: usage of 'acme' went unattributed, and unbilled, under an id that reads as acme
        Path file = write("customer_id,stripe_customer_id,plan_id", id + ",cus_acme,payg");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageEndingWith("line 2: column customer_id holds " + where
                        + ", which cannot be seen; ids are compared exactly");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"'cus_\nacme' | U+000A at character 5", "'cus_acme\u00A0' | U+00A0 at character 9"})
    void refusesAStripeCustomerIdWithACharacterThatCannotBeSeen(String id, String where) throws IOException {
        // given: Stripe would refuse every request naming it, long after the file was taken
        Path file = write("customer_id,stripe_customer_id,plan_id", "acme,\"" + id + "\",payg");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageEndingWith("line 2: column stripe_customer_id holds " + where
                        + ", which cannot be seen; ids are compared exactly");
    }

    @Test
    void takesACustomerIdWithASpaceInside() throws IOException {
        assertThat(CustomersFile.read(
                        write("customer_id,stripe_customer_id,plan_id", "Acme Corp,cus_acme,payg"), PLANS))
                .extracting(Customer::customerId)
                .containsExactly("Acme Corp");
    }

    @ParameterizedTest
    @CsvSource({"customer_id,        201, 200", "stripe_customer_id, 101, 100", "name,               501, 500"})
    void refusesAValueLongerThanItsColumnKeeps(String column, int length, int allowed) throws IOException {
        // given: a row of the customer 'acme' with one value too long (storing it failed the run at its first step)
        String value = "x".repeat(length);
        Path file = write(
                "customer_id,stripe_customer_id,plan_id,name",
                switch (column) {
                    case "customer_id" -> value + ",cus_acme,payg,Acme";
                    case "stripe_customer_id" -> "acme," + value + ",payg,Acme";
                    default -> "acme,cus_acme,payg," + value;
                });

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining("line 2: column " + column + " has " + length + " characters; at most " + allowed
                        + " are allowed");
    }

    @Test
    void refusesAPlanChangePastTheYear9999() throws IOException {
        // given (PostgreSQL keeps no timestamp past the year 294276: the run failed at its first step there)
        Path file = write("customer_id,plan_id,plan_effective_from", "acme,payg,", "acme,team,+10000-01-01T00:00:00Z");

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CustomersFile.read(file, PLANS))
                .withMessageContaining(
                        "line 3: plan_effective_from +10000-01-01T00:00:00Z is outside the years 0000 to 9999 (UTC)");
    }

    @Test
    void readsValuesAsLongAsTheirColumnsKeep() throws IOException {
        // given a customer id of 200 characters, a Stripe customer id of 100 and a name of 500
        Path file = write(
                "customer_id,stripe_customer_id,plan_id,name",
                "x".repeat(200) + ",cus_" + "s".repeat(96) + ",payg," + "n".repeat(500));

        // when
        List<Customer> customers = CustomersFile.read(file, PLANS);

        // then
        assertThat(customers).singleElement().satisfies(customer -> {
            assertThat(customer.customerId()).hasSize(200);
            assertThat(customer.stripeCustomerId()).hasSize(100);
        });
    }

    private static Customer customer(String id, String stripeId) {
        return TestCustomers.onPayg(id, stripeId);
    }

    private Path write(String... lines) throws IOException {
        Path file = Files.createTempFile(dir, "customers", ".csv");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }
}
