package io.tokentally.schedule;

import io.tokentally.job.InputSpecs;
import io.tokentally.job.RunReportListener;
import io.tokentally.shared.RequiredFile;
import io.tokentally.shared.ZoneIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
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
                JobFile jobFile = readWithLines(file);
                JobSchedule schedule = jobFile.schedule();
                jobFile.requireFile("parameters.customers", schedule.customers());
                jobFile.requireFile("parameters.plans", schedule.plans());
                jobFile.requireFile("parameters.prices", schedule.prices());
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

    /**
     * Reads one job file; a bad file fails with its path, the line of the key at fault and what is wrong. Its files
     * are not looked for: {@code run --job-file} may give others in their place.
     */
    public static JobSchedule read(Path file) {
        return readWithLines(file).schedule();
    }

    private static JobFile readWithLines(Path file) {
        JobFileLines lines = JobFileLines.read(file, YAML);
        ScheduleFile content;
        try {
            content = YAML.readValue(file.toFile(), ScheduleFile.class);
        } catch (JacksonException e) {
            throw lines.unreadable(e);
        }
        JobSchedule schedule;
        try {
            schedule = content.toSchedule();
        } catch (Fault e) {
            throw new IllegalArgumentException(file + lines.of(e.key) + ": " + e.getMessage(), e);
        }
        return new JobFile(file, lines, schedule);
    }

    /** A job file read, with the lines of its keys. */
    private record JobFile(Path file, JobFileLines lines, JobSchedule schedule) {

        /**
         * Refuses a customers, plans or prices file of a scheduled job that is not there, before {@code serve} starts:
         * every fire's run would fail at its first step.
         */
        void requireFile(String key, Path named) {
            RequiredFile.fault(named).ifPresent(fault -> {
                throw new IllegalArgumentException(file + lines.of(key) + ": '" + key + "': " + fault);
            });
        }
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
                return zone == null ? ZoneId.of("UTC") : ZoneIds.of(zone);
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
