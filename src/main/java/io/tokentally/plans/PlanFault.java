package io.tokentally.plans;

import io.tokentally.shared.ShownText;
import java.nio.file.Path;

/**
 * A fault at a value of the plans file: the value's path ({@code plans[id=pro].overrides[0].markup_percent})
 * and what is wrong with it, in one line (a line end in a value is shown as an escape). {@link PlansFile} adds the
 * line the value is on.
 */
final class PlanFault extends IllegalArgumentException {

    private final String where;
    private final String reason;
    private final String at;

    PlanFault(Path file, String where, String reason) {
        this(file, where, reason, where);
    }

    /** A fault about {@code where} whose line is that of {@code at}: an unknown key's, not its mapping's. */
    PlanFault(Path file, String where, String reason, String at) {
        super(ShownText.escaped(file + ": " + where + " " + reason));
        this.where = where;
        this.reason = ShownText.escaped(reason);
        this.at = at;
    }

    /** The path of the value whose line the fault is on. */
    String at() {
        return at;
    }

    /** The same fault, naming the line of the file it is on. */
    IllegalArgumentException onLine(Path file, int line) {
        return new IllegalArgumentException(file + " line " + line + ": " + where + " " + reason, this);
    }
}
