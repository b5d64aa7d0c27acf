package io.tokentally.reconcile;

import io.tokentally.rating.Balance;
import io.tokentally.rating.Statement;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.FileNamePart;
import io.tokentally.shared.RunFolders;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes statements ({@code statements/<customer>-<period start>.json} and {@code .csv}) and the balances
 * export ({@code balances.json}) into a run folder. Amounts are decimal strings.
 */
public final class StatementFiles {

    public static final String BALANCES_FILE = "balances.json";
    public static final String STATEMENTS_FOLDER = "statements";
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    private StatementFiles() {}

    /**
     * A statement's file name without its extension: the customer ({@link FileNamePart}) and the period's start (its
     * proleptic year, so that year 0 is not year 1 of the era before it and the name of another period).
     */
    static String name(String customerId, Instant periodStart) {
        return FileNamePart.of(customerId) + "-" + DAY.format(periodStart);
    }

    /** @param late the period's closing position and late invoice items, or null while it is open for Stripe */
    public static void write(Path runFolder, Statement statement, LateInvoiceItems.Late late) throws IOException {
        Path folder = Files.createDirectories(runFolder.resolve(STATEMENTS_FOLDER));
        String name = name(statement.customerId(), statement.period().start());
        Files.writeString(
                folder.resolve(name + ".json"),
                JSON.writeValueAsString(toJson(statement, late)),
                StandardCharsets.UTF_8);
        try (Writer out = Files.newBufferedWriter(folder.resolve(name + ".csv"), StandardCharsets.UTF_8)) {
            out.write(
                    "section,item,token_type,service_tier,context_tier,tokens,unit_price_usd_per_million,amount_usd\n");
            usageRows(out, statement);
            feeIncludedAndCreditRows(out, statement);
            csv(
                    out,
                    "total_due",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    statement.totalDueUsd().toPlainString());
            if (late != null) {
                lateItemRows(out, late);
            }
        }
    }

    /** The statement CSV's usage lines: one per model, token type and tiers. */
    private static void usageRows(Writer out, Statement statement) throws IOException {
        for (Statement.Line line : statement.lines()) {
            csv(
                    out,
                    "usage",
                    line.model(),
                    line.tokenType().code(),
                    line.serviceTier().code(),
                    line.contextTier().code(),
                    Long.toString(line.tokens()),
                    text(line.unitPriceUsdPerMillion()),
                    text(line.amountUsd()));
        }
    }

    /** The statement CSV's fixed fees, included usage consumed and credits applied, in that order. */
    private static void feeIncludedAndCreditRows(Writer out, Statement statement) throws IOException {
        for (Statement.Segment segment : statement.segments()) {
            otherLine(
                    out,
                    "fixed_fee",
                    segment.planId() + " " + segment.from() + "/" + segment.to(),
                    "",
                    segment.fixedFeeUsd());
        }
        for (Statement.Included included : statement.included()) {
            otherLine(
                    out,
                    "included",
                    included.planId() + " " + included.name(),
                    Long.toString(included.consumedTokens()),
                    included.consumedUsd().negate());
        }
        for (Statement.Credit credit : statement.credits()) {
            otherLine(
                    out,
                    "credit_" + credit.category(),
                    credit.grantKey(),
                    "",
                    credit.appliedUsd().negate());
        }
    }

    /** The statement CSV's late invoice items of a closed period, after its total due. */
    private static void lateItemRows(Writer out, LateInvoiceItems.Late late) throws IOException {
        for (LateInvoiceItems.Item item : late.items()) {
            otherLine(
                    out, "late_invoice_item", "revision " + item.revision() + " " + item.state(), "", item.amountUsd());
        }
    }

    /**
     * Writes the balances export ({@link CustomerBalances#export(List)}) into the run folder, whole or
     * not at all (a reader never sees half a file); returns its bytes, for publishing elsewhere.
     */
    public static byte[] writeBalances(Path runFolder, List<Balance> balances) throws IOException {
        Files.createDirectories(runFolder);
        byte[] bytes = JSON.writeValueAsBytes(CustomerBalances.export(balances));
        RunFolders.writeWhole(runFolder.resolve(BALANCES_FILE), bytes);
        return bytes;
    }

    static Map<String, Object> toJson(Statement statement, LateInvoiceItems.Late late) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("customer_id", statement.customerId());
        json.put(
                "period",
                ordered(
                        "start",
                        statement.period().start().toString(),
                        "end",
                        statement.period().end().toString()));
        json.put("currency", statement.currency());
        json.put(
                "plans", statement.segments().stream().map(StatementFiles::plan).toList());
        json.put("lines", statement.lines().stream().map(StatementFiles::line).toList());
        json.put(
                "included",
                statement.included().stream().map(StatementFiles::included).toList());
        json.put(
                "credits",
                statement.credits().stream().map(StatementFiles::credit).toList());
        putTotals(json, statement);
        if (late != null) {
            json.put("late_invoice_items_usd", text(late.invoicedUsd()));
            json.put("late_invoice_items", lateInvoiceItems(late));
        }
        return json;
    }

    /** The statement's totals, in the order of its JSON, after its lines. */
    private static void putTotals(Map<String, Object> json, Statement statement) {
        json.put("usage_usd", text(statement.usageUsd()));
        json.put("included_applied_usd", text(statement.includedAppliedUsd()));
        json.put("credits_applied_usd", text(statement.creditsAppliedUsd()));
        json.put("overage_usd", text(statement.overageUsd()));
        json.put("fixed_fees_usd", text(statement.fixedFeesUsd()));
        json.put("total_due_usd", statement.totalDueUsd().toPlainString());
    }

    /** A plan segment of the statement's period and its fixed fee. */
    private static Map<String, Object> plan(Statement.Segment segment) {
        return ordered(
                "plan_id",
                segment.planId(),
                "from",
                segment.from().toString(),
                "to",
                segment.to().toString(),
                "fixed_fee_usd",
                text(segment.fixedFeeUsd()));
    }

    /** A credit grant's amount applied to the statement. */
    private static Map<String, Object> credit(Statement.Credit credit) {
        return ordered(
                "grant", credit.grantKey(), "category", credit.category(), "applied_usd", text(credit.appliedUsd()));
    }

    /** A closed period's closing position and its late invoice items. */
    private static Map<String, Object> lateInvoiceItems(LateInvoiceItems.Late late) {
        return ordered(
                "closed_at",
                late.closedAt().toString(),
                "closing_position_usd",
                text(late.closingPositionUsd()),
                "items",
                late.items().stream()
                        .map(item -> ordered(
                                "revision",
                                item.revision(),
                                "amount_usd",
                                text(item.amountUsd()),
                                "state",
                                item.state()))
                        .toList());
    }

    private static Map<String, Object> line(Statement.Line line) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", line.model());
        json.put("token_type", line.tokenType().code());
        json.put("service_tier", line.serviceTier().code());
        json.put("context_tier", line.contextTier().code());
        json.put("tokens", line.tokens());
        json.put("unit_price_usd_per_million", text(line.unitPriceUsdPerMillion()));
        json.put("amount_usd", text(line.amountUsd()));
        json.put("included_usd", text(line.includedUsd()));
        json.put("credits_usd", text(line.creditsUsd()));
        json.put("overage_usd", text(line.overageUsd()));
        return json;
    }

    private static Map<String, Object> included(Statement.Included included) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("plan_id", included.planId());
        json.put("name", included.name());
        json.put("from", included.from().toString());
        json.put("to", included.to().toString());
        json.put(
                included.grantedTokens() == null ? "granted_usd" : "granted_tokens",
                included.grantedTokens() == null ? text(included.grantedUsd()) : included.grantedTokens());
        json.put("consumed_usd", text(included.consumedUsd()));
        json.put("consumed_tokens", included.consumedTokens());
        return json;
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            json.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return json;
    }

    private static String text(BigDecimal amount) {
        return Amounts.toText(amount);
    }

    /** A line of the statement CSV that is not usage: no token type, tiers or unit price. */
    private static void otherLine(Writer out, String section, String item, String tokens, BigDecimal amountUsd)
            throws IOException {
        csv(out, section, item, "", "", "", tokens, "", text(amountUsd));
    }

    private static void csv(Writer out, String... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            String field = fields[i];
            boolean quote = field.contains(",") || field.contains("\"");
            out.write((i == 0 ? "" : ",") + (quote ? "\"" + field.replace("\"", "\"\"") + "\"" : field));
        }
        out.write('\n');
    }
}
