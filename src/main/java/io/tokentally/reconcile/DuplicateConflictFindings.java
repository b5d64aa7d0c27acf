package io.tokentally.reconcile;

import io.tokentally.normalize.DuplicateConflictRepository.ConflictLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One finding per file whose rows repeat a request id with other numbers than its first copy: the first
 * copy counts (billed, or held without a price) and the repeats are counted as duplicates, which is right
 * for a retried log line but hides a corrected or conflicting one.
 */
public final class DuplicateConflictFindings {

    static final int LINES_LISTED = 10;

    private DuplicateConflictFindings() {}

    public static List<Finding> of(List<ConflictLine> conflicts) {
        Map<String, List<ConflictLine>> byFile = new LinkedHashMap<>();
        conflicts.forEach(line ->
                byFile.computeIfAbsent(line.file(), f -> new ArrayList<>()).add(line));
        List<Finding> findings = new ArrayList<>(byFile.size());
        byFile.forEach((file, lines) -> {
            List<ConflictLine> shown = lines.subList(0, Math.min(LINES_LISTED, lines.size()));
            String more = Listing.more(lines.size(), LINES_LISTED);
            findings.add(new Finding(
                    "conflicting-duplicates:" + file,
                    "CONFLICTING_DUPLICATE",
                    Finding.Severity.WARNING,
                    lines.size() + " row(s) of " + file + " repeat a request id whose first copy counted other"
                            + " numbers (customer, provider, model, service or context tier, status or a count). The first"
                            + " copy counts (billed, or held while it has no price) and these are counted as duplicates;"
                            + " check which copy is right."
                            + " Lines: "
                            + joined(shown, line -> line.lineNo() + " (" + line.requestId() + ")") + more,
                    new Evidence()
                            .number("rows", lines.size())
                            .number("request_ids", joined(shown, ConflictLine::requestId) + more)
                            .source(
                                    "duplicate",
                                    file,
                                    joined(shown, line -> Long.toString(line.lineNo())) + more,
                                    null)));
        });
        return findings;
    }

    private static String joined(List<ConflictLine> lines, Function<ConflictLine, String> part) {
        return lines.stream().map(part).collect(Collectors.joining(", "));
    }
}
