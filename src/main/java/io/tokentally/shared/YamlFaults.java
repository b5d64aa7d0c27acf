package io.tokentally.shared;

import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;

/** What the YAML reader beneath Jackson says of text that is not YAML, and on which line. */
public final class YamlFaults {

    private YamlFaults() {}

    /** The YAML reader's own fault among the causes, when it gave one with its problem. */
    public static Optional<MarkedYamlEngineException> of(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYamlEngineException marked && marked.getProblem() != null) {
                return Optional.of(marked);
            }
        }
        return Optional.empty();
    }

    /**
     * The 1-based line of the fault in {@code text}: where the YAML reader found the problem, which can be past the
     * token Jackson read last, else Jackson's; 0 when neither knows it. A fault found at the end of the text (a quote
     * or a list left open) is on the line where what was left open starts, as the reader names it, else on the last
     * line: not on the empty line after the last line end, where the reader stood.
     */
    public static int line(JacksonException e, String text) {
        Optional<MarkedYamlEngineException> fault = of(e);
        Optional<Mark> problem = fault.flatMap(MarkedYamlEngineException::getProblemMark);
        int line = problem.isPresent()
                ? problem.get().getLine() + 1
                : Math.max(0, e.getLocation() == null ? 0 : e.getLocation().getLineNr());
        int last = lastLine(text);
        if (line <= last) {
            return line;
        }
        return fault.flatMap(MarkedYamlEngineException::getContextMark)
                .map(opened -> Math.min(opened.getLine() + 1, last))
                .orElse(last);
    }

    /** The number of the text's last line that holds a character: a line end ends a line, it starts none. */
    private static int lastLine(String text) {
        int lineEnds = (int) text.chars().filter(c -> c == '\n').count();
        return text.isEmpty() || text.endsWith("\n") ? Math.max(1, lineEnds) : lineEnds + 1;
    }

    /**
     * The YAML reader's words for the fault, or Jackson's when it gave none; a second document after the first
     * ({@code ---}) is said as such, as Jackson calls it a trailing token.
     */
    public static String problem(JacksonException e, String oneDocument) {
        if (e.getOriginalMessage().startsWith("Trailing token")) {
            return "a second document (after ---); " + oneDocument;
        }
        return of(e).map(fault -> fault.getContext() == null
                        ? fault.getProblem()
                        : fault.getContext() + ": " + fault.getProblem())
                .orElse(e.getOriginalMessage());
    }
}
