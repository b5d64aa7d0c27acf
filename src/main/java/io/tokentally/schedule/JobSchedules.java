package io.tokentally.schedule;

import io.tokentally.job.InputSpecs;
import io.tokentally.job.RunReportListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The schedules of a {@code jobs/} folder, one YAML file each, checked when they are read. */
public record JobSchedules(List<JobSchedule> all) {

    /** Lower-case letters, digits and dashes: a schedule's name is also a lock name and a Kubernetes name. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public Optional<JobSchedule> forJob(String job) {
        return all.stream().filter(schedule -> schedule.job().equals(job)).findFirst();
    }

    public Optional<JobSchedule> named(String name) {
        return all.stream().filter(schedule -> schedule.name().equals(name)).findFirst();
    }

    /** Reads every {@code *.yaml} and {@code *.yml} file of the folder, in name order. */
    public static JobSchedules load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("the jobs folder " + folder.toAbsolutePath() + " does not exist");
        }
        List<JobSchedule> schedules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(JobSchedules::isYaml).sorted().toList()) {
                JobSchedule schedule = read(file);
                if (!names.add(schedule.name())) {
                    throw new IllegalArgumentException(
                            file + ": another file already has the name '" + schedule.name() + "'");
                }
                schedules.add(schedule);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the jobs folder " + folder.toAbsolutePath(), e);
        }
        return new JobSchedules(List.copyOf(schedules));
    }

    /** Reads one job file; a bad file fails with its path, the line of the key at fault and what is wrong. */
    public static JobSchedule read(Path file) {
        Map<String, Integer> lines = keyLines(file);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": the file holds no keys (name, job, cron, parameters, ...)");
        }
        ScheduleFile content;
        try {
            content = YAML.readValue(file.toFile(), ScheduleFile.class);
        } catch (JacksonException e) {
            String key = key(e.getPath());
            if (key.isEmpty()) { // a value inside a record's key may come without its path: where the reader was
                throw new IllegalArgumentException(
                        file + line(e.getLocation()) + ": cannot be read: " + e.getOriginalMessage(), e);
            }
            throw new IllegalArgumentException(file + line(lines, key) + ": " + unreadable(e, key), e);
        }
        try {
            return content.toSchedule();
        } catch (Fault e) {
            throw new IllegalArgumentException(file + line(lines, e.key) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The line of each key of a job file by its path ({@code cron}, {@code parameters.input}). Refused here: text that
     * is not YAML (at the line of its fault), a file that is not one mapping of keys (a list, a single value, a second
     * document after {@code ---}) and a key given twice in one mapping, of which a YAML reader would let the later
     * win.
     */
    private static Map<String, Integer> keyLines(Path file) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(file.toFile())) {
            JsonToken first = parser.nextToken();
            if (first != null && first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(
                        file + " line " + parser.currentTokenLocation().getLineNr()
                                + ": a job file is one mapping of keys (name: ..., job: ...), not a list or a single value");
            }
            for (JsonToken token = first; token != null; token = parser.nextToken()) {
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
                        && parser.streamReadContext().inRoot()) {
                    JsonToken next = parser.nextToken();
                    if (next != null) {
                        throw new IllegalArgumentException(
                                file + " line " + parser.currentTokenLocation().getLineNr()
                                        + ": a second document (after ---); a job file holds one schedule");
                    }
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + notYaml(e), e);
        }
        return lines;
    }

    /** Where and why text is not YAML: the YAML reader's own line and words, where it gives them. */
    private static String notYaml(JacksonException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYamlEngineException marked
                    && marked.getProblemMark().isPresent()) {
                return " line " + (marked.getProblemMark().get().getLine() + 1) + ": not valid YAML: "
                        + marked.getProblem();
            }
        }
        return line(e.getLocation()) + ": not valid YAML: " + e.getOriginalMessage();
    }

    private static String line(TokenStreamLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr();
    }

    /** The line of the key, or of the nearest key it is under; none for a key the file does not have. */
    private static String line(Map<String, Integer> lines, String key) {
        for (String at = key; !at.isEmpty(); at = at.substring(0, Math.max(0, at.lastIndexOf('.')))) {
            if (lines.containsKey(at)) {
                return " line " + lines.get(at);
            }
        }
        return "";
    }

    private static String key(List<JacksonException.Reference> path) {
        return path.stream()
                .map(reference -> reference.getPropertyName() != null
                        ? reference.getPropertyName()
                        : String.valueOf(reference.getIndex()))
                .collect(Collectors.joining("."));
    }

    /** What Jackson could not read, in the words of a job file: its keys, not the Java classes they fill. */
    private static String unreadable(JacksonException e, String key) {
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

    /** A value of a job file that is wrong, with the key it is under. */
    private static final class Fault extends IllegalArgumentException {

        private final String key;

        Fault(String key, String message) {
            super(message);
            this.key = key;
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** A job file as written. */
    record ScheduleFile(
            String name,
            String job,
            String cron,
            String zone,
            String window,

            @com.fasterxml.jackson.annotation.JsonProperty("catch-up")
            Boolean catchUp,

            Parameters parameters) {

        JobSchedule toSchedule() {
            requireValidFields();
            JobSchedule schedule = new JobSchedule(
                    name,
                    job,
                    cron.trim(),
                    zoneId(),
                    windowRule(),
                    catchUp == null || catchUp,
                    parameters.inputs(),
                    parameters.path(parameters.customers(), "customers"),
                    parameters.path(parameters.plans(), "plans"),
                    parameters.path(parameters.prices(), "prices"));
            try {
                schedule.cronExpression();
            } catch (IllegalArgumentException e) {
                String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                throw new Fault("cron", "cron '" + cron + "' is not valid: " + reason);
            }
            return schedule;
        }

        private WindowRule windowRule() {
            try {
                return window == null ? WindowRule.PREVIOUS_DAY : WindowRule.parse(window);
            } catch (IllegalArgumentException e) {
                throw new Fault("window", e.getMessage());
            }
        }

        private ZoneId zoneId() {
            try {
                return ZoneId.of(zone == null ? "UTC" : zone);
            } catch (DateTimeException e) {
                throw new Fault("zone", "zone '" + zone + "' is not a time zone: " + e.getMessage());
            }
        }

        /** Fails on a missing name, job, cron or parameters, or on a name, job or cron that is not valid. */
        private void requireValidFields() {
            require(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new Fault(
                        "name",
                        "name '" + name + "' must be 1 to 40 lower-case letters, digits"
                                + " or dashes, starting and ending with a letter or digit");
            }
            require(job, "job");
            if (!RunReportListener.JOB_NAME.equals(job)) {
                throw new Fault(
                        "job", "job '" + job + "' is not a known job; known jobs: " + RunReportListener.JOB_NAME);
            }
            require(cron, "cron");
            if (cron.trim().split("\\s+").length != 5) {
                throw new Fault(
                        "cron",
                        "cron '" + cron + "' must have five fields (minute hour day-of-month month day-of-week)");
            }
            require(parameters, "parameters");
        }

        private static void require(Object value, String key) {
            if (value == null) {
                throw new Fault(key, "'" + key + "' is missing");
            }
        }
    }

    /** The job's default parameters. */
    record Parameters(List<String> input, String customers, String plans, String prices) {

        List<String> inputs() {
            if (input == null || input.isEmpty()) {
                throw new Fault("parameters.input", "'parameters.input' must list at least one folder");
            }
            for (String spec : input) {
                try {
                    InputSpecs.absolute(spec);
                } catch (IllegalArgumentException e) {
                    throw new Fault("parameters.input", "'parameters.input' " + spec + ": " + e.getMessage());
                }
            }
            return List.copyOf(input);
        }

        Path path(String value, String key) {
            ScheduleFile.require(value, "parameters." + key);
            try {
                return Paths.get(value);
            } catch (InvalidPathException e) {
                throw new Fault("parameters." + key, "'parameters." + key + "' is not a path: " + e.getMessage());
            }
        }
    }
}
