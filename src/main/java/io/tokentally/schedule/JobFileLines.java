package io.tokentally.schedule;

import io.tokentally.shared.RequiredFile;
import io.tokentally.shared.YamlFaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Where each key of a job file is, by its path ({@code cron}, {@code parameters.input}), so that a fault names its
 * line; and what Jackson could not read, in the words of a job file: its keys, not the Java classes they fill.
 */
final class JobFileLines {

    private static final String ONE_SCHEDULE = "a job file holds one schedule";

    private final Path file;
    private final Map<String, Integer> lines;

    private JobFileLines(Path file, Map<String, Integer> lines) {
        this.file = file;
        this.lines = lines;
    }

    /**
     * The lines of the file's keys. Refused here: text that is not YAML (at the YAML reader's line), a file that is
     * not one mapping of keys (empty, a list, a single value, a second document after {@code ---}), a key given
     * twice in one mapping, of which a YAML reader would let the later win, and a YAML alias.
     */
    static JobFileLines read(Path file, YAMLMapper yaml) {
        RequiredFile.fault(file).ifPresent(fault -> {
            throw new IllegalArgumentException(fault); // it names the file, as an absolute path
        });
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = yaml.createParser(file.toFile())) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) { // nothing, or an empty document (---, ~, null)
                throw new IllegalArgumentException(
                        file + ": the file holds no keys (name, job, cron, parameters, ...)");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(
                        file + " line " + parser.currentTokenLocation().getLineNr()
                                + ": a job file is one mapping of keys (name: ..., job: ...), not a list or a single value");
            }
            for (JsonToken token = first; token != null; token = parser.nextToken()) {
                if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
                    // the reader gives an alias as its name, not the value it names: cron: *nightly reads "nightly"
                    throw new IllegalArgumentException(
                            file + " line " + parser.currentTokenLocation().getLineNr()
                                    + ": a YAML alias (*name) is not read as the value it names; write the value itself");
                }
                if (token == JsonToken.PROPERTY_NAME) {
                    String key = parser.streamReadContext()
                            .pathAsPointer()
                            .toString()
                            .substring(1)
                            .replace('/', '.');
                    int line = parser.currentTokenLocation().getLineNr();
                    Integer earlier = lines.putIfAbsent(key, line);
                    if (earlier != null) {
                        throw new IllegalArgumentException(file + " line " + line + ": '" + key
                                + "' is given twice (first on line " + earlier + ")");
                    }
                } else if (token == JsonToken.END_OBJECT
                        && parser.streamReadContext().inRoot()
                        && parser.nextToken() != null) {
                    throw new IllegalArgumentException(
                            file + " line " + parser.currentTokenLocation().getLineNr()
                                    + ": a second document (after ---); " + ONE_SCHEDULE);
                }
            }
        } catch (JacksonException e) {
            if (e.getCause() instanceof IOException unreadable) {
                throw new IllegalArgumentException(file + ": cannot be read: " + unreadable.getMessage(), e);
            }
            throw new IllegalArgumentException(file + notYaml(file, e), e);
        }
        return new JobFileLines(file, lines);
    }

    /** {@code " line N"} of the key, or of the nearest key it is under; empty for a key the file does not have. */
    String of(String key) {
        for (String at = key; !at.isEmpty(); at = at.substring(0, Math.max(0, at.lastIndexOf('.')))) {
            if (lines.containsKey(at)) {
                return " line " + lines.get(at);
            }
        }
        return "";
    }

    /** What Jackson could not read, with the file and the line of its key. */
    IllegalArgumentException unreadable(JacksonException e) {
        String key = key(e.getPath());
        if (key.isEmpty()) { // a value inside a record's key may come without its path: where the reader was
            return new IllegalArgumentException(
                    file + line(e.getLocation()) + ": cannot be read: " + e.getOriginalMessage(), e);
        }
        return new IllegalArgumentException(file + of(key) + ": " + said(e, key), e);
    }

    private static String said(JacksonException e, String key) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds().stream()
                    .map(Object::toString)
                    .sorted()
                    .collect(Collectors.joining(", "));
            return "unknown key '" + key + "' (known here: " + known + ")";
        }
        Class<?> wanted = e instanceof MismatchedInputException mismatched ? mismatched.getTargetType() : null;
        if (wanted == Boolean.class) {
            return "'" + key + "' must be true or false";
        }
        if (wanted == String.class) {
            return "'" + key + "' must be a single value, not a list or mapping";
        }
        if (wanted != null && List.class.isAssignableFrom(wanted)) {
            return "'" + key + "' must be a list";
        }
        if (wanted != null && wanted.isRecord()) {
            return "'" + key + "' must be a mapping of keys";
        }
        return "'" + key + "' cannot be read: " + e.getOriginalMessage();
    }

    private static String key(List<JacksonException.Reference> path) {
        return path.stream()
                .map(reference -> reference.getPropertyName() != null
                        ? reference.getPropertyName()
                        : String.valueOf(reference.getIndex()))
                .collect(Collectors.joining("."));
    }

    /** Where and why text is not YAML: the YAML reader's own line and words, where it gives them. */
    private static String notYaml(Path file, JacksonException e) {
        int line = YamlFaults.line(e, text(file));
        return (line < 1 ? "" : " line " + line) + ": not valid YAML: " + YamlFaults.problem(e, ONE_SCHEDULE);
    }

    /** The file's text, which was read once already (the reader's fault is in it), bytes not UTF-8 replaced. */
    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(TokenStreamLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr();
    }
}
