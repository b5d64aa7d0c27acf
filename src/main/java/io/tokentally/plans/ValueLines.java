package io.tokentally.plans;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * The line each value of a YAML (or JSON) document is on, by its JSON pointer ({@code /plans/1/markup_percent}): its
 * key's line, or for a list item the line it starts on, so that a fault found in the document's tree can name its line.
 */
final class ValueLines {

    private final Map<String, Integer> lines;
    private final int firstAliasLine;

    private ValueLines(Map<String, Integer> lines, int firstAliasLine) {
        this.lines = lines;
        this.firstAliasLine = firstAliasLine;
    }

    /** Reads {@code text}, which {@code mapper} has read into a tree already (so it parses). */
    static ValueLines of(ObjectMapper mapper, String text) {
        Map<String, Integer> lines = new HashMap<>();
        int firstAliasLine = 0;
        try (JsonParser parser = mapper.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (firstAliasLine == 0 && parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    firstAliasLine = parser.currentTokenLocation().getLineNr();
                }
                if (token == JsonToken.PROPERTY_NAME) {
                    // a value under a key is on the key's line: a mapping or list below it starts on the next
                    lines.putIfAbsent(
                            parser.streamReadContext().pathAsPointer().toString(),
                            parser.currentTokenLocation().getLineNr());
                    continue;
                }
                if (token.isStructEnd()) {
                    continue;
                }
                // a mapping or list opens a context of its own: its path is its parent's
                TokenStreamContext context =
                        token.isStructStart() ? parser.streamReadContext().getParent() : parser.streamReadContext();
                lines.putIfAbsent(
                        context.pathAsPointer().toString(),
                        parser.currentTokenLocation().getLineNr());
            }
        }
        return new ValueLines(lines, firstAliasLine);
    }

    /**
     * The line of the document's first YAML alias ({@code *name}), or 0 for none: the reader gives an alias as its
     * name, not as the anchored value, so {@code id: *base} would read as the id {@code base}.
     */
    int firstAliasLine() {
        return firstAliasLine;
    }

    /**
     * The line of the value at {@code pointer}, or of the nearest value that holds it when it is not in the
     * document (a required key left out is reported on its mapping's line).
     */
    int lineOf(String pointer) {
        String path = pointer;
        while (!path.isEmpty()) {
            Integer line = lines.get(path);
            if (line != null) {
                return line;
            }
            path = path.substring(0, path.lastIndexOf('/'));
        }
        return 1;
    }

    /**
     * The part of {@code path} below {@code prefix} ({@code .overrides[0].markup_percent} below {@code plans[id=pro]})
     * as a JSON pointer ({@code /overrides/0/markup_percent}). A key holding a dot, a slash or brackets is not found
     * then, and a fault about it is reported on the line of the mapping that holds it.
     */
    static String pointer(String path, String prefix) {
        // a JSON pointer writes a key's ~ as ~0
        return path.substring(prefix.length())
                .replace("~", "~0")
                .replaceAll("\\[(\\d+)]", "/$1")
                .replace('.', '/');
    }
}
