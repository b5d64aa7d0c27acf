package io.tokentally.shared;

import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

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
     * The 1-based line of the fault: where the YAML reader found the problem, which can be past the token Jackson read
     * last, else Jackson's; 0 when neither knows it.
     */
    public static int line(JacksonException e) {
        Optional<Mark> problem = of(e).flatMap(MarkedYamlEngineException::getProblemMark);
        if (problem.isPresent()) {
            return problem.get().getLine() + 1;
        }
        TokenStreamLocation location = e.getLocation();
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }
}
